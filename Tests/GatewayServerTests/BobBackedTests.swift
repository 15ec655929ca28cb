import Testing

/// Tests that write to bob's default address book on the real servers. Serialized as a whole, so
/// one test's writes never show up as another's changes. (GatewayTests write to alice's.)
@Suite(.serialized) enum BobBackedTests {}
