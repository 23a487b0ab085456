import Store
import TestSupport
import Testing

@Test func configFileKeepsPreviousContentAsBackup() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let file = ConfigFile(path: directory.path + "/config/topics.json")
    #expect(file.load() == nil)
    try file.write(Array("one".utf8))
    try file.write(Array("two".utf8))
    #expect(file.load() == Array("two".utf8))
    #expect(ConfigFile(path: file.backupPath).load() == Array("one".utf8))
}

@Test func configFileFallsBackToBackupWhenMainIsUnparseable() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let file = ConfigFile(path: directory.path + "/consumerOffset.json")
    try file.write(Array("{good}".utf8))
    try file.write(Array("garbage".utf8))
    let loaded = file.load { $0.first == UInt8(ascii: "{") }
    #expect(loaded == Array("{good}".utf8))
}
