using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ContactHub.Tests.Infrastructure;

/// <summary>A loopback TCP relay that a test can cut (every connection dropped, new ones refused) and restore.</summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _upstreamPort;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        Port = HostProcess.FreePort();
        Start();
    }

    public int Port { get; }

    /// <summary>Connections from this one on (counting from 1) are accepted but never relayed: the client waits in silence.</summary>
    public int HoldFrom { get; set; } = int.MaxValue;

    /// <summary>How many connections were accepted so far.</summary>
    public int Accepted => _accepted;

    private int _accepted;

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoop(_listener, _stop.Token);
    }

    /// <summary>The outage: the listener closes and every relayed connection is torn down.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        foreach (var socket in _open.Keys)
        {
            try { socket.Close(0); } catch (ObjectDisposedException) { }
        }
        _open.Clear();
    }

    private async Task AcceptLoop(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(ct); }
            catch (Exception) { return; }
            if (Interlocked.Increment(ref _accepted) >= HoldFrom)
            {
                _open[client] = 0; // held: closed only by Cut or disposal
                continue;
            }
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, ct); }
            catch (Exception) { client.Close(0); continue; }
            _open[client] = 0;
            _open[upstream] = 0;
            _ = Pump(client, upstream);
            _ = Pump(upstream, client);
        }
    }

    private async Task Pump(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
        }
        catch (Exception) { }
        finally
        {
            _open.TryRemove(from, out _);
            _open.TryRemove(to, out _);
            try { from.Close(0); } catch (ObjectDisposedException) { }
            try { to.Close(0); } catch (ObjectDisposedException) { }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
