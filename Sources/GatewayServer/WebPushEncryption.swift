import Crypto
import Foundation
import Gateway

/// Message encryption for push (RFC 8291) in the aes128gcm content coding (RFC 8188): what the gateway
/// does with a PushSubscription's `keys` (RFC 8620 §7.2), so a push service relaying the message reads
/// nothing of it. Each message gets a fresh sender key pair and salt, and is one record.
struct WebPushEncryption: Sendable {
    /// The user agent's P-256 public key, `p256dh` (uncompressed point, 65 bytes).
    let userAgentKey: P256.KeyAgreement.PublicKey
    /// The user agent's authentication secret, `auth` (16 bytes).
    let authSecret: Data

    /// The record size written in the header: one record, so the largest message is this less the
    /// padding delimiter and the 16-byte tag (RFC 8291 §4: push services may refuse more).
    static let recordSize = 4096
    static var largestPlaintext: Int { recordSize - 1 - 16 }

    struct InvalidKeys: Error {
        var reason: String
    }

    /// From the `keys` object of a PushSubscription: `p256dh` and `auth`, both base64url (§7.2).
    init(p256dh: String, auth: String) throws(InvalidKeys) {
        guard let point = Data(base64URLEncoded: p256dh), point.count == 65, point.first == 0x04,
            let key = try? P256.KeyAgreement.PublicKey(x963Representation: point)
        else { throw InvalidKeys(reason: "p256dh is not an uncompressed P-256 public key in base64url.") }
        guard let secret = Data(base64URLEncoded: auth), secret.count == 16 else {
            throw InvalidKeys(reason: "auth is not 16 bytes in base64url.")
        }
        self.userAgentKey = key
        self.authSecret = secret
    }

    /// The encrypted body (RFC 8188 §2: salt, record size, sender key id, then the record). The sender
    /// key and salt are parameters only so the RFC's example (Appendix A) can be reproduced.
    func encrypt(
        _ plaintext: Data, senderKey: P256.KeyAgreement.PrivateKey = .init(),
        salt: Data = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
    ) throws -> Data {
        guard plaintext.count <= Self.largestPlaintext else { throw CryptoKitError.incorrectParameterSize }
        let senderPublic = senderKey.publicKey.x963Representation
        let shared = try senderKey.sharedSecretFromKeyAgreement(with: userAgentKey)
        // §3.3: IKM from the ECDH secret, keyed by auth, bound to both public keys.
        let keyInfo = Data("WebPush: info".utf8) + [0] + userAgentKey.x963Representation + senderPublic
        let inputKey = shared.withUnsafeBytes { ecdhSecret in
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: Data(ecdhSecret)), salt: authSecret, info: keyInfo,
                outputByteCount: 32)
        }
        // RFC 8188 §2.2 and §2.3: the content encryption key and the nonce of the only record.
        let contentKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: inputKey, salt: salt, info: Data("Content-Encoding: aes128gcm".utf8) + [0],
            outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: inputKey, salt: salt, info: Data("Content-Encoding: nonce".utf8) + [0],
            outputByteCount: 12)
        let sealed = try AES.GCM.seal(
            plaintext + [2], using: contentKey, nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }))
        var recordSize = UInt32(Self.recordSize).bigEndian
        let header = salt + Data(bytes: &recordSize, count: 4) + [UInt8(senderPublic.count)] + senderPublic
        return header + sealed.ciphertext + sealed.tag
    }
}
