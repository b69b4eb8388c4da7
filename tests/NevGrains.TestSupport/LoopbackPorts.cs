using System.Net;
using System.Net.Sockets;

namespace NevGrains.TestSupport;

public static class LoopbackPorts
{
    // Below Linux's ephemeral range (32768-60999 by default): the OS never hands these out to the tests' own outgoing
    // connections, which is what took a port between picking it and a child process binding it.
    private const int First = 20_000;
    private const int Last = 32_000;

    /// <summary>
    /// A TCP port free on 127.0.0.1 now, picked at random outside the ephemeral range so parallel test hosts and the OS's own
    /// port choices do not collide. Hosts that can bind port 0 and report the port should do that instead.
    /// </summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // in use: try another
            }
        }
        throw new InvalidOperationException($"no free port on 127.0.0.1 between {First} and {Last}");
    }
}
