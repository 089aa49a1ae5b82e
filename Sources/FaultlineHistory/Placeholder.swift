// FaultlineHistory: the module arrives with its issue; this file only keeps the target buildable until then.
