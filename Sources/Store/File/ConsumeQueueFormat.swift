/// Consume queue unit layout (broker-internals §1.5): [physical offset: int64][size: int32][tags code: int64].
enum ConsumeQueueFormat {
    /// `CQ_STORE_UNIT_SIZE`.
    static let unitSize = 20

    static func write(_ unit: ConsumeQueueUnit, to destination: UnsafeMutableRawPointer) {
        destination.storeBytes(of: unit.physicalOffset.bigEndian, as: Int64.self)
        destination.storeBytes(of: unit.size.bigEndian, toByteOffset: 8, as: Int32.self)
        destination.storeBytes(of: unit.tagsCode.bigEndian, toByteOffset: 12, as: Int64.self)
    }

    static func read(_ source: UnsafeRawPointer) -> ConsumeQueueUnit {
        ConsumeQueueUnit(physicalOffset: Int64(bigEndian: source.loadUnaligned(as: Int64.self)),
                         size: Int32(bigEndian: source.loadUnaligned(fromByteOffset: 8, as: Int32.self)),
                         tagsCode: Int64(bigEndian: source.loadUnaligned(fromByteOffset: 12, as: Int64.self)))
    }
}
