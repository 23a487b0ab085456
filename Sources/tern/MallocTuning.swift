/// glibc malloc settings the server needs, applied once at start-up before any thread starts.
enum MallocTuning {
    /// Allocations of this size or more are mapped on their own and unmapped when freed.
    static let mmapThresholdBytes: Int32 = 1024 * 1024

    /// Fixes glibc's mmap threshold at 1 MiB. By default the threshold rises to the size of every mapped block
    /// freed (up to 32 MiB), so after the first large remoting frame, frame buffers of up to 16 MiB came from the
    /// per-thread heaps instead, which glibc rarely gives back: 40 connections' 16 MiB frames left the process
    /// tens to hundreds of MiB larger after they closed (issue 14). With a fixed threshold each large buffer is
    /// unmapped when freed; setting it also turns off the dynamic adjustment.
    static func apply() {
        #if os(Linux)
            // M_MMAP_THRESHOLD from <malloc.h>, which the Glibc module does not export.
            let mmapThresholdParameter: Int32 = -3
            _ = glibcMallopt(mmapThresholdParameter, mmapThresholdBytes)
        #endif
    }
}

#if os(Linux)
    /// glibc's `int mallopt(int param, int value)`.
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
