using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Namespace.Tests.Support;
using Npgsql;
using NamespaceApi = Cairn.Namespace.V1.Namespace;

namespace Namespace.Tests;

/// <summary>The service configured with a PostgreSQL connection string: the data must land there, not in SQLite.</summary>
public sealed class NamespaceGrpcServiceOnPostgresTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cairn-ns-grpc-pg", Guid.NewGuid().ToString("n"));
    private readonly PostgresTestDatabase _db = PostgresTestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    [Theory]
    [InlineData("ConnectionStrings:Namespace")]
    [InlineData("Cairn:Namespace:Postgres")]
    public async Task NamespaceService_WithPostgresConnectionString_StoresInPostgres(string setting)
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Cairn:DataDir", _dataDir)
            .UseSetting(setting, _db.ConnectionString)
            .ConfigureTestServices(s => s.AddSingleton<IGarbageSink>(new RecordingGarbageSink())));
        using var channel = GrpcChannel.ForAddress(
            factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var client = new NamespaceApi.NamespaceClient(channel);

        await client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "alice" });
        await client.PutObjectAsync(new PutObjectRequest { Object = Objects.Version("photos", "a/1.jpg", "one") });
        var got = await client.GetObjectAsync(new GetObjectRequest { Bucket = "photos", Key = "a/1.jpg" });

        Assert.Equal(Objects.ETagOf("one"), got.Etag);
        Assert.Equal(1L, await CountVersionsAsync());
        Assert.False(File.Exists(Path.Combine(_dataDir, "namespace.db")));
    }

    private async Task<long> CountVersionsAsync()
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM versions", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
