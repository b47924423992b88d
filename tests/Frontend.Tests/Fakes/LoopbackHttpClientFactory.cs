using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Frontend.Tests.Fakes;

/// <summary>
/// An HttpClient for the AWS SDK that connects every host name to one loopback port, so virtual-hosted-style
/// requests (Host: bucket.s3.test) reach the in-process server without any DNS setup. The Host header, which is
/// what the router reads and what SigV4 signs, stays as the SDK wrote it.
/// </summary>
public sealed class LoopbackHttpClientFactory(int port) : HttpClientFactory
{
    public List<string> Hosts { get; } = [];

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new RecordingHandler(Hosts)
        {
            InnerHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            },
        });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class RecordingHandler(List<string> hosts) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (hosts)
            {
                hosts.Add(request.RequestUri!.Host);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
