import Testing

/// Tests that write to alice's address book on the real servers. Serialized as a whole, so one
/// test's writes never show up as another's changes.
@Suite(.serialized) enum DAVBackedTests {}
