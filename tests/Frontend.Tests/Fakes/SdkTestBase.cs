using Amazon.S3;

namespace Frontend.Tests.Fakes;

/// <summary>
/// The in-process frontend and an AWS SDK client with its default settings, for test classes that talk S3 through
/// the SDK; with <paramref name="realNamespace"/> the frontend is backed by the real namespace service in-process.
/// </summary>
public abstract class SdkTestBase(bool realNamespace = false) : IAsyncLifetime
{
    private InProcessNamespace? _namespace;

    protected S3TestServer Server { get; private set; } = null!;

    protected AmazonS3Client S3 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (realNamespace)
        {
            _namespace = await InProcessNamespace.StartAsync();
        }

        Server = await S3TestServer.StartAsync(services: _namespace is null ? null : _namespace.Register);
        S3 = Server.Client();
    }

    public async Task DisposeAsync()
    {
        S3.Dispose();
        await Server.DisposeAsync();
        if (_namespace is not null)
        {
            await _namespace.DisposeAsync();
        }
    }
}
