extension SimDisk {
    /// Starts repeating this disk's page cache onto real files (see `SimDiskMirror`): the
    /// host tree is made what the disk holds now, then follows every change.
    public func attach(_ mirror: SimDiskMirror) {
        self.mirror = mirror
        mirrorEverything()
    }

    /// Rewrites the whole host tree from the namespace (after a crash reverted files and
    /// names, possibly in ways no single operation describes).
    func mirrorEverything() {
        guard let mirror else { return }
        mirror.replaceAll(directories: Array(directories),
                          files: files.map { (path: $0.key, inode: $0.value, data: inodes[$0.value]!.data) })
    }
}
