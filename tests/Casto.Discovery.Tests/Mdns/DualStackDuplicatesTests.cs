using Casto.Discovery.Mdns;

namespace Casto.Discovery.Tests.Mdns;

public sealed class DualStackDuplicatesTests
{
    [Fact]
    public void Drops_only_the_other_familys_copy_of_the_same_datagram()
    {
        var filter = new DualStackDuplicates(64);
        byte[] query = [1, 2, 3];
        Assert.False(filter.IsDuplicate(0, query));
        Assert.False(filter.IsDuplicate(0, query)); // same family: a second sender, kept
        Assert.True(filter.IsDuplicate(1, query)); // the IPv6 copy
        Assert.False(filter.IsDuplicate(0, [1, 2, 4]));
        Assert.False(filter.IsDuplicate(1, [9]));
        Assert.False(filter.IsDuplicate(0, new byte[100])); // larger than the buffer: never a duplicate
    }
}
