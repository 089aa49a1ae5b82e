// FaultlineRedisTests: tests arrive with the module; this file only keeps the target buildable until then.
