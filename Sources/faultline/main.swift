import Faultline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(FaultlineCLI.run(Array(CommandLine.arguments.dropFirst()), console: StandardConsole()))
