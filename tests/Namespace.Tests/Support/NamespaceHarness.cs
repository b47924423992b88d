using System.Collections.Concurrent;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Postgres;
using Cairn.Namespace.Store.Sqlite;
using Cairn.Namespace.Telemetry;
using Cairn.Namespace.V1;

namespace Namespace.Tests.Support;

/// <summary>The backends every contract and model test runs against.</summary>
public enum Backend
{
    Sqlite,
    Postgres,
}

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

/// <summary>
/// A NamespaceService over a fresh store of the chosen backend (SQLite in its own temp directory, or its own
/// PostgreSQL schema); reopenable like a restart, and able to start more instances on the same database.
/// </summary>
public sealed class NamespaceHarness : IAsyncDisposable
{
    private readonly NamespaceMetrics _metrics = new();
    private readonly PostgresTestDatabase? _postgres;
    private readonly List<INamespaceStore> _extraStores = [];

    private readonly int _maxScanBatch;

    private NamespaceHarness(Backend backend, string directory, int maxScanBatch)
    {
        Backend = backend;
        _maxScanBatch = maxScanBatch;
        Directory = directory;
        _postgres = backend == Backend.Postgres ? PostgresTestDatabase.Create() : null;
        Store = OpenStore();
        Service = Build(Store);
    }

    public Backend Backend { get; }

    /// <summary>The PostgreSQL schema of this harness (null on SQLite).</summary>
    public string? PostgresSchema => _postgres?.Schema;

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

    /// <param name="backend">The store under the service.</param>
    /// <param name="postgresMaxScanBatch">Small by default so that tests cross the PostgreSQL scans' batch seams.</param>
    public static NamespaceHarness Create(Backend backend = Backend.Sqlite, int postgresMaxScanBatch = 2) =>
        new(backend, Path.Combine(Path.GetTempPath(), "cairn-ns-tests", Guid.NewGuid().ToString("n")), postgresMaxScanBatch);

    /// <summary>Closes the store and opens it again: what survives is what was committed.</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = OpenStore();
        Service = Build(Store);
    }

    /// <summary>Another namespace instance on the same database (PostgreSQL: how the service scales out).</summary>
    public NamespaceService StartAnotherInstance()
    {
        var store = OpenStore();
        _extraStores.Add(store);
        return Build(store);
    }

    /// <summary>Swaps in a decorated store (e.g. one that counts rows read).</summary>
    public void Decorate(Func<INamespaceStore, INamespaceStore> decorate) => Service = Build(decorate(Store));

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _extraStores)
        {
            await store.DisposeAsync();
        }

        await Store.DisposeAsync();
        _metrics.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test for it would not be.
        }
    }

    private INamespaceStore OpenStore() => _postgres is null
        ? SqliteNamespaceStore.Open(Directory)
        : PostgresNamespaceStore.Open(_postgres.ConnectionString, _maxScanBatch);

    private NamespaceService Build(INamespaceStore store) =>
        new(store, SinkOverride ?? Garbage, _metrics, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NamespaceService>.Instance);
}
