using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Casto.WebRtc.Stun;

namespace Casto.WebRtc.Tests.Turn;

/// <summary>
/// A real coturn (<c>/usr/bin/turnserver</c>) on 127.0.0.1 with long-term credentials u:p, realm casto.test, a
/// private relay port range and database; killed and cleaned up on dispose. When
/// coturn is not installed it throws, naming it (./test.sh installs it).
/// </summary>
internal sealed class CoturnServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/turnserver";
    public const string User = "u";
    public const string Password = "p";
    public const string Realm = "casto.test";

    private readonly Process _process;
    private readonly string _dir;
    private readonly System.Text.StringBuilder _log = new();

    private CoturnServer(Process process, string dir, IPEndPoint endPoint)
    {
        _process = process;
        _dir = dir;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts coturn; throws <see cref="InvalidOperationException"/> naming it when it is not installed or does not answer.</summary>
    public static async Task<CoturnServer> StartAsync(params string[] extraArguments)
    {
        Requires.Program(Binary, "coturn");
        var dir = Directory.CreateTempSubdirectory("casto-turn-").FullName;
        var port = FreeUdpPort();
        var minPort = 20000 + (RandomNumberGenerator.GetInt32(0, 400) * 100);
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[
            "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={port}",
            $"--min-port={minPort}", $"--max-port={minPort + 99}", "--lt-cred-mech", $"--user={User}:{Password}", $"--realm={Realm}",
            "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", $"--db={dir}/turndb.sqlite", "--log-file=stdout",
            "--no-tcp-relay", .. extraArguments])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start turnserver.");
        var server = new CoturnServer(process, dir, new IPEndPoint(IPAddress.Loopback, port));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!await server.WaitReadyAsync())
        {
            var log = server.Log;
            await server.DisposeAsync();
            throw new InvalidOperationException("coturn did not answer STUN within 10 s:\n" + log);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One STUN Binding transaction from a fresh socket; the XOR-MAPPED-ADDRESS or null on timeout.</summary>
    public static async Task<IPEndPoint?> BindingAsync(IPEndPoint server, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var txid = RandomNumberGenerator.GetBytes(12);
        var buffer = new byte[1500];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, txid);
        var request = writer.Written.ToArray();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                await socket.SendToAsync(request, server);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                attempt.CancelAfter(200);
                try
                {
                    var n = await socket.ReceiveAsync(buffer, attempt.Token);
                    return Mapped(buffer.AsSpan(0, n));
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return null;
        }
    }

    private static IPEndPoint? Mapped(ReadOnlySpan<byte> response) =>
        StunMessage.TryRead(response, out var m) && m.TryGetXorMappedAddress(out var mapped) ? mapped : null;

    private async Task<bool> WaitReadyAsync()
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                return false;
            }

            if (await BindingAsync(EndPoint, TimeSpan.FromMilliseconds(300)) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 1_000_000)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
