using System.Net.Http.Headers;
using Amazon.Runtime;

namespace Frontend.Tests.Fakes;

/// <summary>
/// An HttpClient for the AWS SDK that lets a test rewrite request bodies on the wire (after the SDK signed
/// them) and see which payload mode the SDK chose.
/// </summary>
public sealed class TamperingHttpClientFactory(Func<byte[], byte[]> tamper) : HttpClientFactory
{
    public List<string> PayloadModes { get; } = [];

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this) { InnerHandler = new HttpClientHandler() });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class Handler(TamperingHttpClientFactory owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("x-amz-content-sha256", out var modes))
            {
                lock (owner.PayloadModes)
                {
                    owner.PayloadModes.AddRange(modes);
                }
            }
            if (request.Content is not null && request.Method == HttpMethod.Put)
            {
                var body = owner.Tamper(await request.Content.ReadAsByteArrayAsync(cancellationToken));
                var headers = request.Content.Headers.ToList();
                request.Content = new ByteArrayContent(body);
                foreach (var (name, values) in headers)
                {
                    request.Content.Headers.TryAddWithoutValidation(name, values);
                }
                request.Content.Headers.ContentLength = body.Length;
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private byte[] Tamper(byte[] body) => tamper(body);
}
