using System.Collections.Concurrent;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Sqlite;
using Cairn.Namespace.Telemetry;
using Cairn.Namespace.V1;

namespace Namespace.Tests.Support;

public sealed class FailingGarbageSink : IGarbageSink
{
    public Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct) =>
        Task.FromException(new InvalidOperationException("event bus unavailable"));
}

public sealed class RecordingGarbageSink : IGarbageSink
{
    public ConcurrentQueue<ObjectGarbageEvent> Events { get; } = new();

    public Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct)
    {
        Events.Enqueue(garbage);
        return Task.CompletedTask;
    }
}

/// <summary>A NamespaceService over a SQLite store in its own temp directory; reopenable like a restart.</summary>
public sealed class NamespaceHarness : IAsyncDisposable
{
    private readonly NamespaceMetrics _metrics = new();

    private NamespaceHarness(string directory)
    {
        Directory = directory;
        Store = SqliteNamespaceStore.Open(directory);
        Service = Build(Store);
    }

    public string Directory { get; }

    public INamespaceStore Store { get; private set; }

    public NamespaceService Service { get; private set; }

    public RecordingGarbageSink Garbage { get; } = new();

    /// <summary>When set, garbage goes here instead of <see cref="Garbage"/> (e.g. a failing bus).</summary>
    public IGarbageSink? SinkOverride
    {
        get;
        set
        {
            field = value;
            Service = Build(Store);
        }
    }

    public static NamespaceHarness Create() =>
        new(Path.Combine(Path.GetTempPath(), "cairn-ns-tests", Guid.NewGuid().ToString("n")));

    /// <summary>Closes the database and opens it again: what survives is what was committed.</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = SqliteNamespaceStore.Open(Directory);
        Service = Build(Store);
    }

    /// <summary>Swaps in a decorated store (e.g. one that counts rows read).</summary>
    public void Decorate(Func<INamespaceStore, INamespaceStore> decorate) => Service = Build(decorate(Store));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _metrics.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test for it would not be.
        }
    }

    private NamespaceService Build(INamespaceStore store) =>
        new(store, SinkOverride ?? Garbage, _metrics, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NamespaceService>.Instance);
}
