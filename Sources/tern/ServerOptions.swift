import ArgumentParser

/// Flags shared by `tern start`, `tern broker` and `tern namesrv`. Every flag overrides the same key from
/// `--config` (a RocketMQ `broker.conf`) and from `TERN_*` environment variables.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A RocketMQ-style broker.conf properties file.")
    var configFile: String?

    @Option(name: .customLong("store-path"), help: "Store root directory (storePathRootDir). Default ./data.")
    var storePath: String?

    @Option(name: .customLong("namesrv-port"), help: "Nameserver port (default 9876; 0 picks a free port).")
    var namesrvPort: Int?

    @Option(name: .customLong("broker-port"), help: "Broker port (listenPort, default 10911; 0 picks a free port).")
    var brokerPort: Int?

    @Option(name: .customLong("http-port"), help: "HTTP gateway port (default 8080; 0 picks a free port).")
    var httpPort: Int?

    @Flag(name: .customLong("no-http"), help: "Do not start the HTTP gateway.")
    var noHTTP = false

    @Option(name: .customLong("namesrv"), help: "Nameserver addresses host:port[;host:port] (namesrvAddr).")
    var namesrvAddress: String?

    @Option(name: .customLong("broker-ip"), help: "Address the broker advertises (brokerIP1, default 127.0.0.1).")
    var brokerIP: String?

    @Option(name: .customLong("listen-host"), help: "Address to bind (default 0.0.0.0).")
    var listenHost: String?

    @Option(name: .customLong("flush-disk-type"), help: "ASYNC_FLUSH (default) or SYNC_FLUSH (flushDiskType).")
    var flushDiskType: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error.")
    var logLevel: String?

    /// The flags that were given, as broker.conf keys, to overlay on file and environment settings.
    var overrides: [String: String] {
        var values: [String: String] = [:]
        values["storePathRootDir"] = storePath
        values["namesrvListenPort"] = namesrvPort.map(String.init)
        values["listenPort"] = brokerPort.map(String.init)
        values["httpPort"] = httpPort.map(String.init)
        values["httpEnable"] = noHTTP ? "false" : nil
        values["namesrvAddr"] = namesrvAddress
        values["brokerIP1"] = brokerIP
        values["listenHost"] = listenHost
        values["flushDiskType"] = flushDiskType
        values["logLevel"] = logLevel
        return values
    }
}
