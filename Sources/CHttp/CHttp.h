// C shim for libmicrohttpd and yajl. Swift cannot call C variadic functions, so the few variadic
// entry points get fixed-arity `static inline` wrappers here, prefixed `chttp_`. No logic lives here.
#ifndef CHTTP_H
#define CHTTP_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

/// Configures a yajl generator flag (yajl_gen_config is variadic).
static inline int chttp_yajl_gen_set_flag(yajl_gen gen, yajl_gen_option option, int enabled) {
    return yajl_gen_config(gen, option, enabled);
}

/// Configures a yajl parser flag (yajl_config is variadic).
static inline int chttp_yajl_set_flag(yajl_handle handle, yajl_option option, int enabled) {
    return yajl_config(handle, option, enabled);
}

/// Starts a libmicrohttpd daemon with the options the gateway uses (MHD_start_daemon is variadic).
/// `bind_address` may be NULL (any address); it must stay valid only for the duration of this call.
/// The callbacks and their closures are passed through unchanged; the caller owns the closures. `unescape` replaces
/// libmicrohttpd's %HH decoder for the path and query arguments (MHD_OPTION_UNESCAPE_CALLBACK, closure NULL).
static inline struct MHD_Daemon *chttp_start_daemon(unsigned int flags, uint16_t port,
                                                    const struct sockaddr *bind_address,
                                                    MHD_AccessHandlerCallback access_handler, void *access_closure,
                                                    MHD_RequestCompletedCallback completed, void *completed_closure,
                                                    MHD_NotifyConnectionCallback notify_connection,
                                                    void *notify_closure,
                                                    size_t (*unescape)(void *, struct MHD_Connection *, char *),
                                                    unsigned int thread_pool_size,
                                                    unsigned int connection_limit, unsigned int connection_timeout,
                                                    size_t connection_memory_limit) {
    return MHD_start_daemon(flags, port, NULL, NULL, access_handler, access_closure,
                            MHD_OPTION_SOCK_ADDR, bind_address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_closure,
                            MHD_OPTION_NOTIFY_CONNECTION, notify_connection, notify_closure,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, (void *)NULL,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_END);
}

/// MHD_get_daemon_info for info types that take no extra argument (the function is variadic).
static inline const union MHD_DaemonInfo *chttp_get_daemon_info(struct MHD_Daemon *daemon,
                                                               enum MHD_DaemonInfoType info_type) {
    return MHD_get_daemon_info(daemon, info_type);
}

/// MHD_get_connection_info for info types that take no extra argument (the function is variadic).
static inline const union MHD_ConnectionInfo *chttp_get_connection_info(struct MHD_Connection *connection,
                                                                       enum MHD_ConnectionInfoType info_type) {
    return MHD_get_connection_info(connection, info_type);
}

#endif
