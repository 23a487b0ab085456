import Store
import Testing

@Test func physicalOffsetsOrderAndAdd() {
    #expect(PhysicalOffset(10) < PhysicalOffset(11))
    #expect((PhysicalOffset(10) + 5).rawValue == 15)
}
