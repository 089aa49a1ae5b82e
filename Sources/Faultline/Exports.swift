// The library surface users import: `import Faultline` brings the simulation core, the
// histories and the checkers with it.
@_exported import FaultlineCore
@_exported import FaultlineHistory
@_exported import FaultlineCheck
