/// KV-config codes.
extension NamesrvProcessor {
    func putKVConfig(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        kvConfigManager.put(
            namespace: try header.requiredString("namespace"), key: try header.requiredString("key"),
            value: try header.requiredString("value"))
        return request.response(.success)
    }

    func getKVConfig(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let namespace = try header.requiredString("namespace")
        let key = try header.requiredString("key")
        guard let value = kvConfigManager.value(namespace: namespace, key: key) else {
            return request.response(.queryNotFound, remark: "No config item, Namespace: \(namespace) Key: \(key)")
        }
        return request.response(.success, extFields: ["value": value])
    }

    func deleteKVConfig(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        kvConfigManager.delete(namespace: try header.requiredString("namespace"), key: try header.requiredString("key"))
        return request.response(.success)
    }

    func getKVListByNamespace(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let namespace = try header.requiredString("namespace")
        guard let table = kvConfigManager.kvTable(namespace: namespace) else {
            return request.response(.queryNotFound, remark: "No config item, Namespace: \(namespace)")
        }
        return request.response(.success, body: table.jsonBody())
    }
}
