import Logging
import Store
import Synchronization

extension ScheduleMessageService {
    /// `{"offsetTable":{"1":12,...}}`, keys sorted by level.
    public func encode() -> [UInt8] {
        let table = offsetTable
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("offsetTable")
        writer.beginObject()
        for level in table.keys.sorted() { writer.field(String(level), table[level] ?? 0) }
        writer.endObject()
        writer.endObject()
        return writer.bytes()
    }

    /// Writes `delayOffset.json` if an offset moved since the last write (always with `force`). Blocking.
    public func persist(force: Bool = false) {
        persistLock.withLock { _ in
            guard takeDirty() || force else { return }
            do {
                try file.write(encode())
            } catch {
                markDirty()
                logger.error("cannot persist delay offsets", metadata: ["broker.error": "\(error)"])
            }
        }
    }

    /// The offsets of `delayOffset.json` (or its `.bak`); empty for a fresh broker.
    func load() -> [Int32: Int64] {
        guard let bytes = file.load(validate: { (try? JSONParser.parse($0)) != nil }),
            let json = try? JSONParser.parse(bytes)
        else { return [:] }
        var offsets: [Int32: Int64] = [:]
        for (levelText, offset) in json["offsetTable"]?.objectValue ?? [] {
            guard let level = Int32(levelText), level >= 1, level <= levels.maxLevel, let value = offset.int64Value
            else { continue }
            offsets[level] = value
        }
        logger.info("loaded delay offsets", metadata: ["broker.delayLevels": "\(offsets.count)"])
        return offsets
    }
}
