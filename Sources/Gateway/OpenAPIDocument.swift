/// Generated from openapi/openapi.yaml; do not edit. Regenerate with
/// `TERN_REGENERATE_OPENAPI=1 swift test --filter GatewayTests` (the test that compares both rewrites this file).
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Tern HTTP gateway
  version: "1.0.0"
  description: |
    REST access to a Tern broker for languages without a RocketMQ SDK. Each call is mapped onto the same remoting
    request processors the native protocol uses. JSON in and out; errors are `application/problem+json` with a
    stable `code`. 4xx means the request is wrong; 503 means busy, starting or stopping (see `Retry-After`);
    507 means the broker's disk is full (sends only).
    Limits (body size, batch size, wait, connections) are configured at start and answered with a clear problem.
servers:
  - url: http://127.0.0.1:8080
tags:
  - name: operations
  - name: messages
  - name: pop
  - name: offsets
  - name: admin
paths:
  /healthz:
    get:
      tags: [operations]
      operationId: health
      summary: Readiness; 200 only once the store has recovered.
      responses:
        "200":
          description: Ready.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Health" }
        "503":
          description: Still recovering.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Health" }
  /metrics:
    get:
      tags: [operations]
      operationId: metrics
      summary: Prometheus text exposition of gateway counters and store/broker gauges.
      responses:
        "200":
          description: Metrics.
          content:
            text/plain:
              schema: { type: string }
  /openapi.yaml:
    get:
      tags: [operations]
      operationId: openapi
      summary: This document.
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema: { type: object }
  /v1/topics/{topic}/messages:
    parameters:
      - $ref: "#/components/parameters/Topic"
    post:
      tags: [messages]
      operationId: sendMessages
      summary: Send one message, a batch, or a raw body (SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE).
      description: |
        With `Content-Type: application/json` the body is one `OutgoingMessage`, an array of `BatchMessage`s, or
        `{"messages": [...], "shardingKey": "..."}` (a batch, stored as consecutive offsets of one queue). Any other
        content type sends the body bytes as is, described by the query parameters, so `curl --data-binary @file`
        works. Messages with the same `shardingKey` go to the same queue (Java `hashCode % writeQueueNums`).
        Batches hold at most 256 messages (the default `maxBatchSize`; more gives 413 `batch_too_large`).
      parameters:
        - { name: tags, in: query, description: Raw bodies only. Tag of the message., schema: { $ref: "#/components/schemas/PropertyText" } }
        - name: keys
          in: query
          description: Raw bodies only. Keys (repeat the parameter or separate with spaces).
          schema: { type: array, items: { $ref: "#/components/schemas/PropertyText" } }
          style: form
          explode: true
        - { name: shardingKey, in: query, description: Raw bodies only., schema: { $ref: "#/components/schemas/PropertyText" } }
        - { name: delayLevel, in: query, description: Raw bodies only. 1..18., schema: { type: integer, minimum: 1, maximum: 18 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - $ref: "#/components/schemas/OutgoingMessage"
                - type: array
                  minItems: 1
                  maxItems: 256
                  items: { $ref: "#/components/schemas/BatchMessage" }
                - type: object
                  required: [messages]
                  additionalProperties: false
                  properties:
                    messages:
                      type: array
                      minItems: 1
                      maxItems: 256
                      items: { $ref: "#/components/schemas/BatchMessage" }
                    shardingKey: { $ref: "#/components/schemas/PropertyText" }
          application/octet-stream:
            schema: { type: string, format: binary, minLength: 1 }
          text/plain:
            schema: { type: string, minLength: 1 }
      responses:
        "200":
          description: Stored.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/SendResult" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "413": { $ref: "#/components/responses/PayloadTooLarge" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
        "507": { $ref: "#/components/responses/InsufficientStorage" }
    get:
      tags: [messages]
      operationId: queryMessagesByKey
      summary: Messages whose keys contain `key` (QUERY_MESSAGE), newest first.
      parameters:
        - { name: key, in: query, required: true, schema: { type: string, minLength: 1 } }
        - { name: maxCount, in: query, schema: { type: integer, minimum: 1, maximum: 1024, default: 32 } }
        - { name: begin, in: query, description: Earliest store time (ms)., schema: { type: integer, format: int64, minimum: 0 } }
        - { name: end, in: query, description: Latest store time (ms)., schema: { type: integer, format: int64, minimum: 0 } }
        - $ref: "#/components/parameters/BodyEncoding"
      responses:
        "200":
          description: Matching messages (possibly none).
          content:
            application/json:
              schema:
                type: object
                properties:
                  topic: { type: string }
                  key: { type: string }
                  messages: { type: array, items: { $ref: "#/components/schemas/Message" } }
        "400": { $ref: "#/components/responses/BadRequest" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/topics/{topic}/queues/{queueId}/messages:
    parameters:
      - $ref: "#/components/parameters/Topic"
      - $ref: "#/components/parameters/QueueId"
    get:
      tags: [messages]
      operationId: pullMessages
      summary: Messages of one queue from an offset (PULL_MESSAGE), optionally long-polling.
      parameters:
        - { name: offset, in: query, schema: { type: integer, format: int64, minimum: 0, default: 0 } }
        - { name: maxCount, in: query, schema: { type: integer, minimum: 1, maximum: 1024, default: 32 } }
        - { name: tag, in: query, description: "Tag expression (`TagA || TagB`); default `*`.", schema: { type: string } }
        - { name: group, in: query, description: Consumer group; default is the gateway's configured one., schema: { $ref: "#/components/schemas/GroupName" } }
        - $ref: "#/components/parameters/WaitMs"
        - $ref: "#/components/parameters/BodyEncoding"
      responses:
        "200":
          description: A pull result; `status` tells whether messages were found.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/PullResult" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/messages/{messageId}:
    get:
      tags: [messages]
      operationId: getMessageById
      summary: One message by offset message id (VIEW_MESSAGE_BY_ID), or by client id with `topic` (QUERY_MESSAGE).
      parameters:
        - { name: messageId, in: path, required: true, schema: { type: string } }
        - { name: topic, in: query, description: Needed to look up client (UNIQ_KEY) ids., schema: { $ref: "#/components/schemas/TopicName" } }
        - $ref: "#/components/parameters/BodyEncoding"
      responses:
        "200":
          description: The message.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Message" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/topics/{topic}/pop:
    parameters:
      - $ref: "#/components/parameters/Topic"
    post:
      tags: [pop]
      operationId: popMessages
      summary: Pop up to maxCount messages for a group (POP_MESSAGE); each comes with a receipt handle.
      parameters:
        - { name: group, in: query, required: true, schema: { $ref: "#/components/schemas/GroupName" } }
        - { name: maxCount, in: query, schema: { type: integer, minimum: 1, maximum: 32, default: 1 } }
        - { name: invisibleTimeMs, in: query, schema: { type: integer, minimum: 1000, maximum: 43200000, default: 60000 } }
        - { name: queueId, in: query, description: "-1 (default) pops from any queue.", schema: { type: integer, minimum: -1, maximum: 2147483647, default: -1 } }
        - { name: tag, in: query, schema: { type: string } }
        - { name: initMode, in: query, description: Where a new group starts., schema: { type: string, enum: [min, max], default: min } }
        - $ref: "#/components/parameters/WaitMs"
        - $ref: "#/components/parameters/BodyEncoding"
      responses:
        "200":
          description: Popped messages (possibly none).
          content:
            application/json:
              schema: { $ref: "#/components/schemas/PopResult" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/ack:
    post:
      tags: [pop]
      operationId: ackMessages
      summary: Ack popped messages by receipt handle (ACK_MESSAGE for one, BATCH_ACK_MESSAGE for many).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              description: One handle, or an array of at most 256 (the default `maxBatchSize`).
              oneOf:
                - required: [receiptHandle]
                - required: [receiptHandles]
              properties:
                receiptHandle: { type: string, minLength: 1 }
                receiptHandles: { type: array, minItems: 1, maxItems: 256, items: { type: string, minLength: 1 } }
      responses:
        "200":
          description: Acknowledged.
          content:
            application/json:
              schema:
                type: object
                properties:
                  acknowledged: { type: integer }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
        "413": { $ref: "#/components/responses/PayloadTooLarge" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/change-invisible-time:
    post:
      tags: [pop]
      operationId: changeInvisibleTime
      summary: Extend or shorten a popped message's invisibility (CHANGE_MESSAGE_INVISIBLETIME); returns a new handle.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [receiptHandle, invisibleTimeMs]
              properties:
                receiptHandle: { type: string, minLength: 1 }
                invisibleTimeMs: { type: integer, minimum: 1000, maximum: 43200000 }
      responses:
        "200":
          description: The renewed receipt handle (the old one is no longer valid).
          content:
            application/json:
              schema:
                type: object
                properties:
                  receiptHandle: { type: string }
                  invisibleTimeMs: { type: integer }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups/{group}/topics/{topic}/queues/{queueId}/offset:
    parameters:
      - $ref: "#/components/parameters/Group"
      - $ref: "#/components/parameters/Topic"
      - $ref: "#/components/parameters/QueueId"
    get:
      tags: [offsets]
      operationId: readOffset
      summary: The group's committed offset of one queue (QUERY_CONSUMER_OFFSET).
      responses:
        "200":
          description: The offset.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/QueueOffset" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
    put:
      tags: [offsets]
      operationId: commitOffset
      summary: Commit the group's offset of one queue (UPDATE_CONSUMER_OFFSET).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [offset]
              properties:
                offset: { type: integer, format: int64, minimum: 0 }
      responses:
        "200":
          description: Committed.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/QueueOffset" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups/{group}/topics/{topic}/offsets/reset:
    parameters:
      - $ref: "#/components/parameters/Group"
      - $ref: "#/components/parameters/Topic"
    post:
      tags: [offsets]
      operationId: resetOffsets
      summary: Reset every queue's offset to the first message stored at or after a time.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [timestamp]
              properties:
                timestamp: { type: integer, format: int64, minimum: 0, description: ms since 1970 }
      responses:
        "200":
          description: The new offsets.
          content:
            application/json:
              schema:
                type: object
                properties:
                  group: { type: string }
                  topic: { type: string }
                  timestamp: { type: integer, format: int64 }
                  offsets:
                    type: array
                    items:
                      type: object
                      properties:
                        queueId: { type: integer }
                        offset: { type: integer, format: int64 }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/topics/{topic}/route:
    parameters:
      - $ref: "#/components/parameters/Topic"
    get:
      tags: [admin]
      operationId: getRoute
      summary: The topic's TopicRouteData as the name server serves it (GET_ROUTEINFO_BY_TOPIC).
      responses:
        "200":
          description: The route.
          content:
            application/json:
              schema: { type: object, additionalProperties: true }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/topics:
    get:
      tags: [admin]
      operationId: listTopics
      summary: Every topic of the broker (GET_ALL_TOPIC_CONFIG).
      responses:
        "200":
          description: Topics sorted by name.
          content:
            application/json:
              schema:
                type: object
                properties:
                  topics: { type: array, items: { $ref: "#/components/schemas/Topic" } }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/topics/{topic}:
    parameters:
      - $ref: "#/components/parameters/Topic"
    get:
      tags: [admin]
      operationId: describeTopic
      summary: Topic config with per-queue min/max offsets (GET_TOPIC_STATS_INFO or GET_MIN/MAX_OFFSET).
      responses:
        "200":
          description: The topic.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Topic" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
    put:
      tags: [admin]
      operationId: putTopic
      summary: Create or update a topic (UPDATE_AND_CREATE_TOPIC).
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              properties:
                readQueueNums: { type: integer, minimum: 1, maximum: 1024, default: 8 }
                writeQueueNums: { type: integer, minimum: 1, maximum: 1024, description: Defaults to readQueueNums. }
                perm: { type: integer, minimum: 0, maximum: 7, default: 6, description: "4 read, 2 write, 1 inherit" }
                order: { type: boolean, default: false }
      responses:
        "200":
          description: The topic as created or updated.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Topic" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
    delete:
      tags: [admin]
      operationId: deleteTopic
      summary: Delete a topic from the broker and the name server (DELETE_TOPIC_IN_BROKER / _IN_NAMESRV).
      responses:
        "204": { description: Deleted. }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups:
    get:
      tags: [admin]
      operationId: listConsumerGroups
      summary: Every consumer group (GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
      responses:
        "200":
          description: Groups sorted by name.
          content:
            application/json:
              schema:
                type: object
                properties:
                  groups: { type: array, items: { $ref: "#/components/schemas/ConsumerGroup" } }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups/{group}:
    parameters:
      - $ref: "#/components/parameters/Group"
    get:
      tags: [admin]
      operationId: describeConsumerGroup
      summary: Group config with lag per queue (GET_CONSUME_STATS).
      parameters:
        - { name: topic, in: query, description: Only this topic., schema: { $ref: "#/components/schemas/TopicName" } }
      responses:
        "200":
          description: The group.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ConsumerGroup" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
    put:
      tags: [admin]
      operationId: putConsumerGroup
      summary: Create or update a group (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP).
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              properties:
                maxReconsumeTimes: { type: integer, minimum: 0, maximum: 1000, default: 16 }
                consumeEnable: { type: boolean, default: true }
                consumeBroadcastEnable: { type: boolean, default: true }
                consumeFromMinEnable: { type: boolean, default: true }
      responses:
        "200":
          description: The group as created or updated.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ConsumerGroup" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
    delete:
      tags: [admin]
      operationId: deleteConsumerGroup
      summary: Delete a group (DELETE_SUBSCRIPTIONGROUP).
      responses:
        "204": { description: Deleted. }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups/{group}/dlq:
    parameters:
      - $ref: "#/components/parameters/Group"
    get:
      tags: [admin]
      operationId: listDeadLetters
      summary: One page of the group's dead letters, `%DLQ%<group>` queue 0, oldest first (Tern's TERN_QUERY_DLQ_MESSAGE).
      parameters:
        - { name: offset, in: query, description: "First DLQ queue offset (default: the oldest readable).", schema: { type: integer, format: int64, minimum: 0 } }
        - { name: maxCount, in: query, schema: { type: integer, minimum: 1, maximum: 1024, default: 32 } }
      responses:
        "200":
          description: The page; ask again from `nextOffset` until it reaches `maxOffset`. A group without dead letters has none.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/DeadLetterPage" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "404": { $ref: "#/components/responses/NotFound" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/consumer-groups/{group}/dlq/resend:
    parameters:
      - $ref: "#/components/parameters/Group"
    post:
      tags: [admin]
      operationId: resendDeadLetters
      summary: Send copies of dead letters back to their origin topic (Tern's TERN_RESEND_DLQ_MESSAGE).
      description: |
        Each copy is a new message in the origin topic with the dead letter's body, flag, tags, keys, message id
        (UNIQ_KEY) and user properties; retry, delay and DLQ bookkeeping properties are dropped and the reconsume
        count is 0. The DLQ keeps its records, so re-sending twice stores two copies with the same `messageId`
        (consumers that deduplicate by message id process it once). Give `messageIds` (UNIQ_KEYs or offset ids of
        dead letters, re-sent in order; one not in the DLQ is a 404 and the detail says how many were re-sent
        before it) or `"all": true` (one page of up to `maxCount` from `offset`; repeat from `nextOffset` until it
        reaches `maxOffset`).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - type: object
                  required: [messageIds]
                  additionalProperties: false
                  properties:
                    messageIds:
                      type: array
                      minItems: 1
                      maxItems: 100
                      items: { type: string, minLength: 1, maxLength: 128, pattern: "^[\\x21-\\x7e]+$" }
                - type: object
                  required: [all]
                  additionalProperties: false
                  properties:
                    all: { type: boolean, enum: [true] }
                    offset: { type: integer, format: int64, minimum: 0 }
                    maxCount: { type: integer, minimum: 1, maximum: 1024, default: 1024 }
      responses:
        "200":
          description: One result per re-sent dead letter.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/DeadLetterResendResult" }
        "400": { $ref: "#/components/responses/BadRequest" }
        "403": { $ref: "#/components/responses/Forbidden" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/Conflict" }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/cluster:
    get:
      tags: [admin]
      operationId: getCluster
      summary: ClusterInfo as the name server serves it (GET_BROKER_CLUSTER_INFO), numeric keys quoted.
      responses:
        "200":
          description: Brokers by name and clusters.
          content:
            application/json:
              schema: { type: object, additionalProperties: true }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
  /v1/broker:
    get:
      tags: [admin]
      operationId: getBrokerRuntime
      summary: Broker runtime info (GET_BROKER_RUNTIME_INFO); all values are strings.
      responses:
        "200":
          description: Runtime figures.
          content:
            application/json:
              schema:
                type: object
                properties:
                  broker: { type: string }
                  runtime: { type: object, additionalProperties: { type: string } }
        "500": { $ref: "#/components/responses/InternalError" }
        "501": { $ref: "#/components/responses/NotImplemented" }
        "503": { $ref: "#/components/responses/ServiceUnavailable" }
        "504": { $ref: "#/components/responses/GatewayTimeout" }
components:
  parameters:
    Topic:
      name: topic
      in: path
      required: true
      description: "1..127 characters of [%|a-zA-Z0-9_-] (255 for %RETRY%/%DLQ% topics; send % as %25)."
      schema: { $ref: "#/components/schemas/TopicName" }
    Group:
      name: group
      in: path
      required: true
      description: "1..255 characters of [%|a-zA-Z0-9_-]."
      schema: { $ref: "#/components/schemas/GroupName" }
    QueueId:
      name: queueId
      in: path
      required: true
      schema: { type: integer, minimum: 0, maximum: 2147483647 }
    WaitMs:
      name: waitMs
      in: query
      description: |
        Long-poll up to this many ms for messages; above the configured `maxWait` (30000 ms by default, the
        maximum given here) gives 400 wait_too_long.
      schema: { type: integer, minimum: 0, maximum: 30000, default: 0 }
    BodyEncoding:
      name: bodyEncoding
      in: query
      description: "`auto` returns UTF-8 bodies as text and others as base64; `base64` always base64."
      schema: { type: string, enum: [auto, base64], default: auto }
  responses:
    BadRequest:
      description: The request is invalid (JSON, names, parameters, receipt handle, wait).
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    Forbidden:
      description: The broker or topic does not permit the operation.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    NotFound:
      description: Unknown topic, queue, group, message, offset or endpoint.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    Conflict:
      description: The receipt handle expired or the broker refused the operation.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    PayloadTooLarge:
      description: The body or batch exceeds the configured limit.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    InternalError:
      description: The broker failed; the problem carries the request id that is logged.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    NotImplemented:
      description: This broker has no processor for the operation (for example POP before it is deployed).
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    ServiceUnavailable:
      description: Busy, starting (store recovering), stopping, or too many connections; retry after Retry-After.
      headers:
        Retry-After:
          schema: { type: integer }
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    GatewayTimeout:
      description: The broker did not answer within the maximum wait plus a grace period.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
    InsufficientStorage:
      description: |
        The broker's disk is full and the message was not stored (`insufficient_storage`; remoting clients get
        SERVICE_NOT_AVAILABLE, code 14). The detail says why: free bytes below `diskMinFreeBytes`, used space at or
        above `diskSpaceWarningLevelRatio`, or a file's blocks could not be reserved. Reads keep working; retry
        once space is freed.
      content:
        application/problem+json:
          schema: { $ref: "#/components/schemas/Problem" }
  schemas:
    TopicName:
      description: RocketMQ's TopicValidator; up to 127 characters, 255 for retry and dead-letter topics.
      type: string
      pattern: "^([%|a-zA-Z0-9_-]{1,127}|%RETRY%[%|a-zA-Z0-9_-]{0,248}|%DLQ%[%|a-zA-Z0-9_-]{0,250})$"
      minLength: 1
      maxLength: 255
    GroupName:
      type: string
      pattern: "^[%|a-zA-Z0-9_-]+$"
      minLength: 1
      maxLength: 255
    PropertyText:
      description: Text stored in a message property; U+0001 and U+0002 separate properties, so they are refused.
      type: string
      pattern: "^[^\\x01\\x02]*$"
    Problem:
      type: object
      required: [type, title, status, detail, code]
      properties:
        type: { type: string, description: "urn:tern:problem:<code>" }
        title: { type: string }
        status: { type: integer }
        detail: { type: string }
        code: { $ref: "#/components/schemas/ProblemCode" }
        errorNumber: { type: integer, description: Stable number of the code. }
        requestId: { type: string }
        remotingCode: { type: integer, description: The remoting response code behind the failure. }
        remotingCodeName: { type: string }
    ProblemCode:
      type: string
      enum:
        - invalid_json
        - invalid_parameter
        - invalid_topic_name
        - invalid_group_name
        - invalid_encoding
        - wait_too_long
        - bad_receipt_handle
        - message_illegal
        - subscription_invalid
        - no_permission
        - route_not_found
        - topic_not_found
        - consumer_group_not_found
        - message_not_found
        - offset_not_found
        - queue_not_found
        - method_not_allowed
        - receipt_handle_expired
        - illegal_operation
        - body_too_large
        - batch_too_large
        - broker_error
        - not_implemented
        - busy
        - not_ready
        - too_many_connections
        - shutting_down
        - service_unavailable
        - upstream_timeout
        - insufficient_storage
    Health:
      type: object
      properties:
        status: { type: string, enum: [ready, starting] }
    OutgoingMessage:
      type: object
      required: [body]
      additionalProperties: false
      properties:
        body: { type: string, minLength: 1 }
        bodyEncoding: { type: string, enum: [utf8, base64], default: utf8 }
        tags: { $ref: "#/components/schemas/PropertyText" }
        keys: { $ref: "#/components/schemas/MessageKeys" }
        properties: { $ref: "#/components/schemas/UserProperties" }
        shardingKey: { $ref: "#/components/schemas/PropertyText", description: Same key -> same queue. }
        delayLevel: { type: integer, minimum: 1, maximum: 18, description: "RocketMQ delay level (1s 5s 10s 30s 1m ... 2h)." }
      if: { required: [bodyEncoding], properties: { bodyEncoding: { const: base64 } } }
      then: { properties: { body: { $ref: "#/components/schemas/Base64Body" } } }
    BatchMessage:
      description: A message of a batch; the batch has one queue, so no `shardingKey` (give the batch one) and no `delayLevel`.
      type: object
      required: [body]
      additionalProperties: false
      properties:
        body: { type: string, minLength: 1 }
        bodyEncoding: { type: string, enum: [utf8, base64], default: utf8 }
        tags: { $ref: "#/components/schemas/PropertyText" }
        keys: { $ref: "#/components/schemas/MessageKeys" }
        properties: { $ref: "#/components/schemas/UserProperties" }
      if: { required: [bodyEncoding], properties: { bodyEncoding: { const: base64 } } }
      then: { properties: { body: { $ref: "#/components/schemas/Base64Body" } } }
    Base64Body:
      description: Base64 in either alphabet (RFC 4648 sections 4 and 5), padding optional, no whitespace.
      type: string
      minLength: 2
      pattern: "^([A-Za-z0-9+/_-]{4})*([A-Za-z0-9+/_-]{2}(==)?|[A-Za-z0-9+/_-]{3}=?)?$"
    MessageKeys:
      oneOf:
        - { $ref: "#/components/schemas/PropertyText", description: Space-separated keys. }
        - { type: array, items: { $ref: "#/components/schemas/PropertyText" } }
    UserProperties:
      type: object
      description: User properties; system names (KEYS, TAGS, UNIQ_KEY, DELAY, ...) are refused.
      propertyNames:
        minLength: 1
        pattern: "^[^\\x01\\x02]*$"
        not:
          enum: [KEYS, TAGS, WAIT, DELAY, RETRY_TOPIC, REAL_TOPIC, REAL_QID, TRAN_MSG, PGROUP, MIN_OFFSET, MAX_OFFSET,
                 UNIQ_KEY, MAX_RECONSUME_TIMES, RECONSUME_TIME, CONSUME_START_TIME, ORIGIN_MESSAGE_ID, MSG_REGION,
                 TRACE_ON, CLUSTER, __transactionId__, POP_CK, 1ST_POP_TIME, INNER_NUM, INNER_BASE, __SHARDINGKEY,
                 TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS]
      additionalProperties:
        oneOf:
          - { type: string, minLength: 1, pattern: "^[^\\x01\\x02]*$" }
          - { type: number }
          - { type: boolean }
    SendResult:
      type: object
      properties:
        messageId: { type: string, description: Client id (UNIQ_KEY); single sends only. }
        offsetMessageId: { type: string }
        queueOffset: { type: integer, format: int64 }
        topic: { type: string }
        queueId: { type: integer }
        broker: { type: string }
        status: { type: string, enum: [SEND_OK, FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT] }
        messages:
          type: array
          description: Batches only, in request order.
          items:
            type: object
            properties:
              messageId: { type: string }
              offsetMessageId: { type: string }
              queueOffset: { type: integer, format: int64 }
    Message:
      type: object
      properties:
        topic: { type: string }
        queueId: { type: integer }
        queueOffset: { type: integer, format: int64 }
        commitLogOffset: { type: integer, format: int64 }
        messageId: { type: string }
        offsetMessageId: { type: string }
        tags: { type: string }
        keys: { type: array, items: { type: string } }
        properties: { type: object, additionalProperties: { type: string } }
        bornTimestamp: { type: integer, format: int64 }
        bornHost: { type: string }
        storeTimestamp: { type: integer, format: int64 }
        storeHost: { type: string }
        reconsumeTimes: { type: integer }
        flag: { type: integer }
        sysFlag: { type: integer }
        receiptHandle: { type: string, description: Popped messages only. }
        bodyCompression: { type: string, description: "Set when the body is still compressed (lz4, zstd)." }
        bodySize: { type: integer }
        bodyEncoding: { type: string, enum: [utf8, base64] }
        body: { type: string }
    PullResult:
      type: object
      properties:
        status: { type: string, enum: [FOUND, NO_NEW_MESSAGE, NO_MATCHED_MESSAGE, OFFSET_ILLEGAL] }
        topic: { type: string }
        queueId: { type: integer }
        nextOffset: { type: integer, format: int64 }
        minOffset: { type: integer, format: int64 }
        maxOffset: { type: integer, format: int64 }
        messages: { type: array, items: { $ref: "#/components/schemas/Message" } }
    PopResult:
      type: object
      properties:
        topic: { type: string }
        group: { type: string }
        popTime: { type: integer, format: int64 }
        invisibleTimeMs: { type: integer }
        messages: { type: array, items: { $ref: "#/components/schemas/Message" } }
    QueueOffset:
      type: object
      properties:
        group: { type: string }
        topic: { type: string }
        queueId: { type: integer }
        offset: { type: integer, format: int64 }
    Topic:
      type: object
      properties:
        name: { type: string }
        readQueueNums: { type: integer }
        writeQueueNums: { type: integer }
        perm: { type: integer }
        order: { type: boolean }
        topicFilterType: { type: string }
        queues:
          type: array
          description: Describe only.
          items:
            type: object
            properties:
              queueId: { type: integer }
              minOffset: { type: integer, format: int64 }
              maxOffset: { type: integer, format: int64 }
              lastUpdateTimestamp: { type: integer, format: int64 }
    ConsumerGroup:
      type: object
      properties:
        name: { type: string }
        maxReconsumeTimes: { type: integer }
        consumeEnable: { type: boolean }
        consumeBroadcastEnable: { type: boolean }
        consumeFromMinEnable: { type: boolean }
        totalLag: { type: integer, format: int64, description: Describe only. }
        queues:
          type: array
          description: Describe only.
          items:
            type: object
            properties:
              topic: { type: string }
              queueId: { type: integer }
              brokerOffset: { type: integer, format: int64 }
              consumerOffset: { type: integer, format: int64 }
              lag: { type: integer, format: int64 }
              lastTimestamp: { type: integer, format: int64 }
    DeadLetterPage:
      type: object
      required: [group, topic, minOffset, maxOffset, nextOffset, messages]
      properties:
        group: { type: string }
        topic: { type: string, description: "`%DLQ%<group>`." }
        minOffset: { type: integer, format: int64 }
        maxOffset: { type: integer, format: int64 }
        nextOffset: { type: integer, format: int64 }
        messages:
          type: array
          items:
            type: object
            required: [queueId, queueOffset, messageId, offsetMessageId, originTopic, originMessageId, reconsumeTimes, storeTimestamp, tags, keys, bodySize]
            properties:
              queueId: { type: integer }
              queueOffset: { type: integer, format: int64 }
              messageId: { type: string, description: "UNIQ_KEY, else the offset id of the DLQ record." }
              offsetMessageId: { type: string, description: The offset id of the DLQ record. }
              originTopic: { type: string, description: "The topic the message was first sent to (empty when unknown)." }
              originMessageId: { type: string }
              reconsumeTimes: { type: integer }
              storeTimestamp: { type: integer, format: int64 }
              tags: { type: string }
              keys: { type: array, items: { type: string } }
              bodySize: { type: integer }
    DeadLetterResendResult:
      type: object
      required: [group, results]
      properties:
        group: { type: string }
        nextOffset: { type: integer, format: int64 }
        maxOffset: { type: integer, format: int64 }
        results:
          type: array
          items:
            type: object
            required: [dlqOffsetMessageId, dlqQueueOffset, topic, sent]
            properties:
              dlqOffsetMessageId: { type: string }
              dlqQueueOffset: { type: integer, format: int64 }
              topic: { type: string, description: The origin topic. }
              sent: { type: boolean }
              messageId: { type: string, description: "The copy's UNIQ_KEY (the dead letter's own)." }
              offsetMessageId: { type: string }
              queueId: { type: integer }
              queueOffset: { type: integer, format: int64 }
              remotingCode: { type: integer, description: When not sent. }
              remotingCodeName: { type: string }
              detail: { type: string }

"""#
}
