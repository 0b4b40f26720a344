// Spec: https://www.rfc-editor.org/rfc/rfc8656#section-9 (permissions, 300 s), §10 (CreatePermission), §11 (Send/Data),
// §12 (channels, 600 s; ChannelBind also installs/refreshes the permission)
using System.Net;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Turn;

/// <summary>Permissions and channel bindings.</summary>
internal sealed partial class TurnClient
{
    private readonly Dictionary<IPAddress, Permission> _permissions = [];
    private readonly Dictionary<IPEndPoint, ChannelBinding> _channelsByPeer = [];
    private readonly Dictionary<ushort, ChannelBinding> _channelsByNumber = [];
    private ushort _nextChannel = TurnChannelData.MinChannel;

    /// <summary>Installs (or refreshes) a permission for <paramref name="peer"/>; it is then refreshed automatically.</summary>
    public async Task CreatePermissionAsync(IPAddress peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            if (!_permissions.ContainsKey(peer) && _permissions.Count >= _options.MaxPermissions)
            {
                throw new TurnException(TurnError.LimitReached, $"More than {_options.MaxPermissions} permissions.");
            }

            _permissions.TryAdd(peer, new Permission());
        }

        try
        {
            await RequestAsync(StunMethod.CreatePermission, static (ref StunWriter w, object? s) => w.AddXorPeerAddress(PermissionEndPoint((IPAddress)s!)), peer,
                _options.MaxTransmissions, _options.RetransmitTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ForgetPermission(peer); // a later EnsurePermission tries again
            throw;
        }

        lock (_gate)
        {
            if (_permissions.TryGetValue(peer, out var p))
            {
                p.Installed = true;
                p.RefreshedAt = _time.GetTimestamp();
            }
        }
    }

    /// <summary>Binds (or re-binds, refreshing) a channel to <paramref name="peer"/>; afterwards <see cref="Send"/> uses ChannelData.</summary>
    public async Task<ushort> BindChannelAsync(IPEndPoint peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ChannelBinding binding;
        lock (_gate)
        {
            if (!_channelsByPeer.TryGetValue(peer, out binding!))
            {
                if (_channelsByPeer.Count >= _options.MaxChannels || _nextChannel > TurnChannelData.MaxChannel)
                {
                    throw new TurnException(TurnError.LimitReached, $"No channel left (limit {_options.MaxChannels}).");
                }

                binding = new ChannelBinding(_nextChannel++, peer);
                _channelsByPeer.Add(peer, binding);
                _channelsByNumber.Add(binding.Number, binding);
            }
        }

        try
        {
            await RequestAsync(
                StunMethod.ChannelBind,
                static (ref StunWriter w, object? s) =>
                {
                    var b = (ChannelBinding)s!;
                    w.AddChannelNumber(b.Number);
                    w.AddXorPeerAddress(b.Peer);
                },
                binding,
                _options.MaxTransmissions,
                _options.RetransmitTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ForgetChannel(binding); // a later EnsureChannel tries again (with a fresh number: RFC 8656 §12 forbids reusing it for another peer)
            throw;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            binding.Bound = true;
            binding.RefreshedAt = now;
            if (_permissions.TryGetValue(peer.Address, out var p))
            {
                p.Installed = true;
                p.RefreshedAt = now;
            }
            else if (_permissions.Count < _options.MaxPermissions)
            {
                _permissions.Add(peer.Address, new Permission { Installed = true, RefreshedAt = now });
            }
        }

        return binding.Number;
    }

    /// <summary>Starts <see cref="CreatePermissionAsync"/> in the background unless the peer has (or is getting) one.</summary>
    public void EnsurePermission(IPAddress peer)
    {
        lock (_gate)
        {
            if (_disposed || _permissions.ContainsKey(peer))
            {
                return;
            }
        }

        _ = RunInBackgroundAsync(static (c, s, ct) => c.CreatePermissionAsync((IPAddress)s, ct), peer);
    }

    /// <summary>Starts <see cref="BindChannelAsync"/> in the background unless the peer has (or is getting) a channel.</summary>
    public void EnsureChannel(IPEndPoint peer)
    {
        lock (_gate)
        {
            if (_disposed || _channelsByPeer.ContainsKey(peer) || _channelsByPeer.Count >= _options.MaxChannels)
            {
                return;
            }
        }

        _ = RunInBackgroundAsync(static async (c, s, ct) => await c.BindChannelAsync((IPEndPoint)s, ct).ConfigureAwait(false), peer);
    }

    /// <summary>True when a channel to <paramref name="peer"/> is bound (sends use ChannelData).</summary>
    public bool HasChannel(IPEndPoint peer)
    {
        lock (_gate)
        {
            return _channelsByPeer.TryGetValue(peer, out var b) && b.Bound;
        }
    }

    private void ForgetPermission(IPAddress peer)
    {
        lock (_gate)
        {
            if (_permissions.TryGetValue(peer, out var p) && !p.Installed)
            {
                _permissions.Remove(peer);
            }
        }
    }

    private void ForgetChannel(ChannelBinding binding)
    {
        lock (_gate)
        {
            if (!binding.Bound)
            {
                _channelsByPeer.Remove(binding.Peer);
                _channelsByNumber.Remove(binding.Number);
            }
        }
    }

    private sealed class Permission
    {
        public bool Installed { get; set; }

        public bool Refreshing { get; set; }

        public long RefreshedAt { get; set; }
    }

    private sealed class ChannelBinding(ushort number, IPEndPoint peer)
    {
        public ushort Number { get; } = number;

        public IPEndPoint Peer { get; } = peer;

        /// <summary>Serialized once: what the receive path hands to the data handler.</summary>
        public System.Net.SocketAddress PeerAddress { get; } = peer.Serialize();

        public bool Bound { get; set; }

        public bool Refreshing { get; set; }

        public long RefreshedAt { get; set; }
    }
}
