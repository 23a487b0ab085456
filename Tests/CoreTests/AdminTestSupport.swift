import Core
import NIOCore
import Store
import Synchronization

extension BrokerFixture {
    /// Sends one message with SEND_MESSAGE_V2 and arbitrary properties (`KEYS`, `UNIQ_KEY`, user ones).
    @discardableResult
    func send(topic: String, body: String, queueId: Int32 = 0, properties: [(String, String)]) async
        -> RemotingCommand?
    {
        let text = properties.map { "\($0.0)\u{1}\($0.1)\u{2}" }.joined()
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": topic, "c": "TBW102", "d": "4", "e": String(queueId), "f": "0",
                "g": "1700000000000", "h": "0", "i": text,
            ], body: ByteBuffer(string: body))
        return await call(request)
    }

    /// UPDATE_AND_CREATE_TOPIC with the mandatory header fields.
    func createTopicRequest(_ topic: String, queues: Int32 = 4, perm: Int32 = 6) -> RemotingCommand {
        .request(
            .updateAndCreateTopic,
            extFields: [
                "topic": topic, "defaultTopic": "TBW102", "readQueueNums": String(queues),
                "writeQueueNums": String(queues), "perm": String(perm), "topicFilterType": "SINGLE_TAG",
                "order": "false",
            ])
    }
}
