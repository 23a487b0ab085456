/// Every endpoint the gateway serves. `openapi/openapi.yaml` documents exactly these (a test checks it).
enum GatewayRoutes {
    static let all: [Route] = [
        // Operations
        Route("GET", "/healthz", requiresReady: false, .immediate(OperationsRoutes.health)),
        Route("GET", "/metrics", requiresReady: false, .immediate(OperationsRoutes.metrics)),
        Route("GET", "/openapi.yaml", requiresReady: false, .immediate(OperationsRoutes.openAPI)),
        // Messages
        Route("POST", "/v1/topics/{topic}/messages", .callback(SendRoutes.send)),
        Route("GET", "/v1/topics/{topic}/messages", .asynchronous(MessageQueryRoutes.byKey)),
        Route("GET", "/v1/topics/{topic}/queues/{queueId}/messages", .asynchronous(PullRoutes.pull)),
        Route("GET", "/v1/messages/{messageId}", .asynchronous(MessageQueryRoutes.byID)),
        // Pop / ack
        Route("POST", "/v1/topics/{topic}/pop", .callback(PopRoutes.pop)),
        Route("POST", "/v1/ack", .callback(PopRoutes.ack)),
        Route("POST", "/v1/change-invisible-time", .asynchronous(PopRoutes.changeInvisibleTime)),
        // Offsets
        Route("GET", "/v1/consumer-groups/{group}/topics/{topic}/queues/{queueId}/offset",
              .asynchronous(OffsetRoutes.read)),
        Route("PUT", "/v1/consumer-groups/{group}/topics/{topic}/queues/{queueId}/offset",
              .asynchronous(OffsetRoutes.commit)),
        Route("POST", "/v1/consumer-groups/{group}/topics/{topic}/offsets/reset", .asynchronous(OffsetRoutes.reset)),
        // Routes and admin
        Route("GET", "/v1/topics/{topic}/route", .asynchronous(AdminRoutes.route)),
        Route("GET", "/v1/topics", .asynchronous(AdminRoutes.listTopics)),
        Route("GET", "/v1/topics/{topic}", .asynchronous(AdminRoutes.describeTopic)),
        Route("PUT", "/v1/topics/{topic}", .asynchronous(AdminRoutes.putTopic)),
        Route("DELETE", "/v1/topics/{topic}", .asynchronous(AdminRoutes.deleteTopic)),
        Route("GET", "/v1/consumer-groups", .asynchronous(GroupRoutes.list)),
        Route("GET", "/v1/consumer-groups/{group}", .asynchronous(GroupRoutes.describe)),
        Route("PUT", "/v1/consumer-groups/{group}", .asynchronous(GroupRoutes.put)),
        Route("DELETE", "/v1/consumer-groups/{group}", .asynchronous(GroupRoutes.delete)),
        Route("GET", "/v1/consumer-groups/{group}/dlq", .asynchronous(DeadLetterRoutes.list)),
        Route("POST", "/v1/consumer-groups/{group}/dlq/resend", .asynchronous(DeadLetterRoutes.resend)),
        Route("GET", "/v1/cluster", .asynchronous(AdminRoutes.cluster)),
        Route("GET", "/v1/broker", .asynchronous(AdminRoutes.brokerRuntime)),
    ]
}
