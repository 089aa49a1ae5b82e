import Testing
@testable import FaultlineZooKeeper

@Test func freshTreeHoldsTheBuiltInZookeeperNodes() {
    let tree = DataTree()
    #expect(tree.sortedPaths == ["/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"])
    #expect(tree.nodes["/zookeeper/config"]?.stat.aversion == -1)
    tree.checkInvariants()
}
