using System.Net;
using System.Net.Sockets;

namespace NevGrains.TestSupport;

public static class LoopbackPorts
{
    /// <summary>A TCP port free on 127.0.0.1 now (the OS picks it), so parallel test hosts do not collide.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
