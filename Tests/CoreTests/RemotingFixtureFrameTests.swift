@testable import Core
import Foundation
import NIOCore
import TestSupport
import Testing

/// `Tests/Fixtures/frames` (golden frames captured from real clients), or `$TERN_FRAME_FIXTURES` when set.
private func fixtureDirectory() -> URL {
    if let override = ProcessInfo.processInfo.environment["TERN_FRAME_FIXTURES"] {
        return URL(fileURLWithPath: override, isDirectory: true)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/frames", isDirectory: true)
}

private func fixtureFiles() -> [URL] {
    let files = (try? FileManager.default.contentsOfDirectory(at: fixtureDirectory(), includingPropertiesForKeys: nil))
    return (files ?? []).filter { $0.pathExtension == "hex" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
}

@Test func everyCapturedClientFrameDecodes() throws {
    let files = fixtureFiles()
    // The fixtures arrive from the conformance work; until they are merged there is nothing to check.
    if ProcessInfo.processInfo.environment["TERN_FRAME_FIXTURES"] != nil {
        #expect(!files.isEmpty, "TERN_FRAME_FIXTURES names a directory without .hex frames")
    }
    for file in files {
        let name = file.lastPathComponent
        let text = try String(contentsOf: file, encoding: .utf8)
        let bytes = try #require(FrameBuilder.bytes(hex: text), "\(name) is not hex")
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try RemotingFrameDecoder().nextFrame(&buffer)
        #expect(buffer.readableBytes == 0, "\(name) has bytes after its frame")
        guard case let .command(command) = frame else {
            Issue.record("\(name) did not decode: \(String(describing: frame))")
            continue
        }
        // File names are `<client>-<request code>-<code name>-<scenario>.hex`.
        let parts = name.split(separator: "-")
        if parts.count > 1, let code = Int32(parts[1]) {
            #expect(command.code == code, "\(name)")
        }
        #expect(!command.isResponse, "\(name)")
        // Re-encoding and decoding again gives the same command (values normalised to strings).
        var encoded = ByteBuffer()
        try command.encode(into: &encoded)
        #expect(try RemotingFrameDecoder().nextFrame(&encoded) == .command(command), "\(name)")
    }
}
