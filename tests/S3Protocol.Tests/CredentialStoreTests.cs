using Microsoft.Extensions.Configuration;

namespace Cairn.S3.Protocol.Tests;

public class CredentialStoreTests
{
    [Fact]
    public void CredentialStore_FromConfiguration_ConfiguredRootKey()
    {
        var cfg = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["S3_ACCESS_KEY"] = "root",
            ["S3_SECRET_KEY"] = "root-secret",
        }).Build();

        var store = CredentialStore.FromConfiguration(cfg);

        Assert.True(store.TryGetSecret("root", out var secret));
        Assert.Equal("root-secret", secret);
        Assert.False(store.TryGetSecret("ROOT", out _));
    }

    [Fact]
    public void CredentialStore_FromConfiguration_CredentialsFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cairn-creds-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, ["# team keys", "", "alice:alice-secret", "  bob : b:o:b  ", "# carol:nope"]);
        try
        {
            var cfg = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["S3_ACCESS_KEY"] = "root",
                ["S3_SECRET_KEY"] = "root-secret",
                ["Cairn:CredentialsFile"] = path,
            }).Build();

            var store = CredentialStore.FromConfiguration(cfg);

            Assert.Equal(3, store.Count);
            Assert.True(store.TryGetSecret("alice", out var a));
            Assert.Equal("alice-secret", a);
            Assert.True(store.TryGetSecret("bob", out var b));
            Assert.Equal("b:o:b", b);
            Assert.False(store.TryGetSecret("carol", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CredentialStore_ParseFile_MalformedLineRejected() =>
        Assert.Throws<FormatException>(() => CredentialStore.ParseFile(["alice"]).ToList());

    [Fact]
    public void CredentialStore_Ctor_EmptySecretRejected() =>
        Assert.Throws<ArgumentException>(() => new CredentialStore([new("a", "")]));
}
