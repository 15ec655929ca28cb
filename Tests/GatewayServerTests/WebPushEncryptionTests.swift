import Crypto
import Foundation
import Gateway
import Testing

@testable import GatewayServer

/// RFC 8291 message encryption, checked against the RFC's own example and by the user agent's side of
/// the scheme (decryption written here from RFC 8291 §3.4 and RFC 8188 §2, not from the gateway's code).
@Suite struct WebPushEncryptionTests {
    @Test("RFC 8291 Appendix A: the same keys and salt give the RFC's body, byte for byte")
    func appendixA() throws {
        let encryption = try WebPushEncryption(
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            auth: "BTBZMqHH6r4Tts7J_aSIgg")
        let senderKey = try P256.KeyAgreement.PrivateKey(
            rawRepresentation: try #require(Data(base64URLEncoded: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")))
        let body = try encryption.encrypt(
            Data("When I grow up, I want to be a watermelon".utf8), senderKey: senderKey,
            salt: try #require(Data(base64URLEncoded: "DGv6ra1nlYgDCS1FRnbzlw")))
        #expect(
            body.base64URLEncoded
                == "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        )
    }

    @Test("a fresh sender key and salt per message; the user agent reads it back")
    func roundTrip() throws {
        let userAgent = WebPushUserAgent()
        let encryption = try WebPushEncryption(p256dh: userAgent.p256dh, auth: userAgent.auth)
        let message = Data(#"{"@type":"StateChange"}"#.utf8)
        let first = try encryption.encrypt(message)
        let second = try encryption.encrypt(message)
        #expect(first != second)
        #expect(first.prefix(16) != second.prefix(16), "a new salt each time")
        #expect(try userAgent.decrypt(first) == message)
        #expect(try userAgent.decrypt(second) == message)
    }

    @Test("bad keys and oversized messages are refused")
    func refusals() throws {
        let userAgent = WebPushUserAgent()
        #expect(throws: WebPushEncryption.InvalidKeys.self) {
            try WebPushEncryption(p256dh: "x", auth: userAgent.auth)
        }
        #expect(throws: WebPushEncryption.InvalidKeys.self) {
            try WebPushEncryption(p256dh: userAgent.p256dh, auth: "c2hvcnQ")
        }
        let encryption = try WebPushEncryption(p256dh: userAgent.p256dh, auth: userAgent.auth)
        #expect(throws: (any Error).self) {
            try encryption.encrypt(Data(count: WebPushEncryption.largestPlaintext + 1))
        }
        #expect(
            try userAgent.decrypt(encryption.encrypt(Data(count: WebPushEncryption.largestPlaintext))).count == 4079)
    }
}

/// The receiving side of RFC 8291: a key pair and auth secret, and decryption of aes128gcm bodies.
struct WebPushUserAgent: Sendable {
    let privateKey = P256.KeyAgreement.PrivateKey()
    let authSecret = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })

    var p256dh: String { privateKey.publicKey.x963Representation.base64URLEncoded }
    var auth: String { authSecret.base64URLEncoded }
    var keysJSON: String { #"{"p256dh":"\#(p256dh)","auth":"\#(auth)"}"# }

    struct Malformed: Error {}

    func decrypt(_ body: Data) throws -> Data {
        let bytes = [UInt8](body)
        guard bytes.count > 21 else { throw Malformed() }
        let salt = Data(bytes[0..<16])
        let keyIdLength = Int(bytes[20])
        guard bytes.count > 21 + keyIdLength + 16 else { throw Malformed() }
        let senderKey = try P256.KeyAgreement.PublicKey(x963Representation: bytes[21..<(21 + keyIdLength)])
        let record = Data(bytes[(21 + keyIdLength)...])
        let shared = try privateKey.sharedSecretFromKeyAgreement(with: senderKey)
        let info =
            Data("WebPush: info".utf8) + [0] + privateKey.publicKey.x963Representation
            + senderKey.x963Representation
        let inputKey = shared.withUnsafeBytes { secret in
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: Data(secret)), salt: authSecret, info: info, outputByteCount: 32)
        }
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: inputKey, salt: salt, info: Data("Content-Encoding: aes128gcm\0".utf8),
            outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: inputKey, salt: salt, info: Data("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let box = try AES.GCM.SealedBox(
            nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }), ciphertext: record.dropLast(16),
            tag: record.suffix(16))
        var plaintext = try AES.GCM.open(box, using: key)
        // RFC 8188 §2: padding is zeros after a 0x02 delimiter (the last record's).
        while plaintext.last == 0 { plaintext.removeLast() }
        guard plaintext.last == 2 else { throw Malformed() }
        return plaintext.dropLast()
    }
}
