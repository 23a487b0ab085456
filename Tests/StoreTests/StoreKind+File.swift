import Store
import TestSupport

struct NotImplemented: Error {}

extension StoreKind {
    /// The implementations the contract suite runs against.
    static let implemented: [StoreKind] = [.memory]

    static func makeFileStore(_ configuration: StoreConfiguration, _ directory: TemporaryDirectory) throws -> Harness {
        throw NotImplemented()
    }
}
