import CGSL
import Testing
import TouchstoneStats

#if canImport(Glibc)
import Glibc
#endif

/// GSL's default error handler aborts the process; TouchstoneStats turns it off before its first
/// call. Exit tests run in a child process, so an abort shows up as a failed test rather than a
/// dead test runner.
@Suite("GSL error handling")
struct GSLErrorHandlerTests {
    @Test func defaultHandlerWouldAbort() async {
        await #expect(processExitsWith: .signal(SIGABRT)) {
            _ = gsl_cdf_tdist_Pinv(0.9, 0)
        }
    }

    @Test func touchstoneSwitchesTheHandlerOff() async {
        await #expect(processExitsWith: .success) {
            // Any TouchstoneStats call installs the quiet handler first.
            _ = Normal.cdf(0)
            let value = gsl_cdf_tdist_Pinv(0.9, 0)
            exit(value.isNaN ? 0 : 1)
        }
    }
}
