using System.Threading.Channels;
using Casto.Discovery.Mdns;

namespace Casto.Discovery.Tests.Mdns;

/// <summary>An in-process multicast group: every datagram sent reaches every member (the sender too, like IP_MULTICAST_LOOP).</summary>
internal sealed class FakeMulticastBus
{
    private readonly Lock _lock = new();
    private readonly List<Member> _members = [];
    private readonly List<byte[]> _sent = [];
    private int _pending;

    /// <summary>Every datagram sent on the bus so far.</summary>
    public IReadOnlyList<byte[]> Sent
    {
        get
        {
            lock (_lock)
            {
                return [.. _sent];
            }
        }
    }

    public IMdnsTransport Open(MdnsOptions options, MdnsPacketHandler handler)
    {
        var member = new Member(this, handler);
        lock (_lock)
        {
            _members.Add(member);
        }

        return member;
    }

    /// <summary>Sends a datagram from outside (a fake remote peer).</summary>
    public void Inject(ReadOnlySpan<byte> packet) => Deliver(packet, record: false);

    /// <summary>Waits until every delivered datagram has been handled.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < 2000 && Volatile.Read(ref _pending) > 0; i++)
        {
            await Task.Delay(5);
        }

        Assert.Equal(0, Volatile.Read(ref _pending));
    }

    private void Deliver(ReadOnlySpan<byte> packet, bool record)
    {
        var copy = packet.ToArray();
        lock (_lock)
        {
            if (record)
            {
                _sent.Add(copy);
            }

            foreach (var member in _members)
            {
                Interlocked.Increment(ref _pending);
                member.Inbox.Writer.TryWrite(copy);
            }
        }
    }

    private sealed class Member : IMdnsTransport
    {
        private readonly FakeMulticastBus _bus;
        private readonly Task _loop;

        public Member(FakeMulticastBus bus, MdnsPacketHandler handler)
        {
            _bus = bus;
            _loop = Task.Run(async () =>
            {
                await foreach (var packet in Inbox.Reader.ReadAllAsync())
                {
                    handler(packet);
                    Interlocked.Decrement(ref _bus._pending);
                }
            });
        }

        public Channel<byte[]> Inbox { get; } = Channel.CreateUnbounded<byte[]>();

        public void Send(ReadOnlySpan<byte> packet) => _bus.Deliver(packet, record: true);

        public async ValueTask DisposeAsync()
        {
            lock (_bus._lock)
            {
                _bus._members.Remove(this);
                Inbox.Writer.TryComplete();
            }

            await _loop;
        }
    }
}

/// <summary>Collects what a source publishes.</summary>
internal sealed class TestSink : IDiscoverySink
{
    private readonly Channel<DiscoveryEvent> _events = Channel.CreateUnbounded<DiscoveryEvent>();
    private readonly List<DiscoveryEvent> _all = [];

    public IReadOnlyList<DiscoveryEvent> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public void Publish(DiscoveryEvent discoveryEvent)
    {
        lock (_all)
        {
            _all.Add(discoveryEvent);
        }

        _events.Writer.TryWrite(discoveryEvent);
    }

    public async Task<DiscoveryEvent> NextAsync() =>
        await _events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
