import Core
import Testing

@Suite struct AdminBodyTests {
    private let queue = MessageQueue(topic: "t", brokerName: "b", queueId: 0)

    @Test func messageQueueKeyedTablesUseQuotedQueueJSONKeys() throws {
        let stats = TopicStatsTable(offsetTable: [
            queue: TopicOffset(minOffset: 0, maxOffset: 100, lastUpdateTimestamp: 7)
        ])
        #expect(
            stats.jsonString()
                == #"{"offsetTable":{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"t\"}":"#
                + #"{"lastUpdateTimestamp":7,"maxOffset":100,"minOffset":0}},"topicPutTps":0.0}"#)
        #expect(try TopicStatsTable(jsonBytes: stats.jsonBytes()) == stats)

        let consume = ConsumeStats(
            offsetTable: [queue: OffsetWrapper(brokerOffset: 10, consumerOffset: 7, pullOffset: 7, lastTimestamp: 1)])
        #expect(
            consume.jsonString()
                == #"{"consumeTps":0.0,"offsetTable":{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"t\"}":"#
                + #"{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1,"pullOffset":7}}}"#)
        #expect(try ConsumeStats(jsonBytes: consume.jsonBytes()) == consume)

        let reset = ResetOffsetBody(offsetTable: [queue: 42])
        #expect(reset.jsonString() == #"{"offsetTable":{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"t\"}":42}}"#)
        #expect(try ResetOffsetBody(jsonBytes: reset.jsonBytes()) == reset)
    }

    @Test func groupListIsSorted() throws {
        let list = GroupList(groupList: ["b", "a"])
        #expect(list.jsonString() == #"{"groupList":["a","b"]}"#)
        #expect(try GroupList(jsonBytes: list.jsonBytes()) == list)
    }
}
