private import CHttp

/// The byte a `%00` escape decodes to: DEL instead of NUL.
///
/// libmicrohttpd hands the decoded path to the access handler as a C string, so a decoded NUL would silently cut the
/// path short (`/v1/topics/a%00/messages` arrived as `/v1/topics/a` and was answered 405). DEL keeps the rest of the
/// path and, like every other control character, is refused by `GatewayRouter` with a 400.
let decodedNulReplacement = UInt8(0x7F)

/// libmicrohttpd's `%HH` decoding of paths and query arguments (MHD_OPTION_UNESCAPE_CALLBACK), except that `%00`
/// decodes to `decodedNulReplacement`. Rewrites `text` in place and returns the decoded length.
///
/// Threading: called on libmicrohttpd's threads; touches only `text`.
func httpUnescape(closure: UnsafeMutableRawPointer?, connection: OpaquePointer?,
                  text: UnsafeMutablePointer<CChar>?) -> Int {
    guard let text else { return 0 }
    let percent = CChar(UInt8(ascii: "%"))
    let zero = CChar(UInt8(ascii: "0"))
    var index = 0
    // Before decoding, a `%` always starts an escape, so "%00" here is exactly an encoded NUL.
    while text[index] != 0 {
        if text[index] == percent, text[index + 1] == zero, text[index + 2] == zero {
            text[index + 1] = CChar(UInt8(ascii: "7"))
            text[index + 2] = CChar(UInt8(ascii: "F"))
            index += 3
        } else {
            index += 1
        }
    }
    return MHD_http_unescape(text)
}
