using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// The extents of one disk and the one active extent that takes appends. The lock guards only offset
/// arithmetic and pins, never a data write, so writers of different shards overlap their I/O; it is held
/// across I/O only to create the next extent, once per <see cref="EngineOptions.ExtentBytes"/>.
/// </summary>
public sealed class ExtentSet : IDisposable
{
    public const string Directory = "extents";
    private readonly Lock _lock = new();
    private readonly IDiskFiles _files;
    private readonly long _extentBytes;
    private readonly Func<ulong> _salt;
    private readonly Dictionary<uint, Extent> _extents = [];
    private readonly List<uint> _unreadable = [];
    private volatile Dictionary<uint, Extent> _readable = []; // copy of _extents for lock-free lookups by readers
    private Extent? _active;
    private uint _nextId;
    private long _totalBytes;

    private ExtentSet(IDiskFiles files, long extentBytes, uint nextId, Func<ulong>? salt)
    {
        _files = files;
        _extentBytes = extentBytes;
        _salt = salt ?? (() => BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8)));
        _nextId = nextId;
    }

    /// <summary>Bytes of every extent file, live or dead.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    public IReadOnlyList<uint> Unreadable
    {
        get
        {
            lock (_lock)
            {
                return [.. _unreadable];
            }
        }
    }

    /// <summary>The id the next extent will get: higher than every extent that exists or ever was referenced.</summary>
    public uint NextId
    {
        get
        {
            lock (_lock)
            {
                return _nextId;
            }
        }
    }

    /// <summary>An extent by id without taking the lock (a reader's lookup); null when it is gone.</summary>
    public Extent? Find(uint id) => _readable.GetValueOrDefault(id);

    /// <summary>Opens every extent as sealed; the first append creates a fresh active extent.</summary>
    public static ExtentSet Open(IDiskFiles files, long extentBytes, uint maxReferencedId, Func<ulong>? saltSource)
    {
        files.CreateDirectory(Directory);
        uint maxId = maxReferencedId;
        var set = new ExtentSet(files, extentBytes, 0, saltSource);
        foreach (string name in files.List(Directory))
        {
            if (!name.EndsWith(".ext", StringComparison.Ordinal) || !uint.TryParse(name[..^4], NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            {
                continue;
            }

            maxId = Math.Max(maxId, id);
            var file = files.Open(Extent.PathOf(id), create: false);
            var header = new byte[ChunkFormat.ExtentHeaderBytes];
            ulong? salt = null;
            try
            {
                int read = file.Read(header, 0);
                if (read < ChunkFormat.V1HeaderBytes)
                {
                    throw new ExtentFormatException($"extent {id} is shorter than its header");
                }

                salt = ChunkFormat.CheckExtentHeader(header.AsSpan(0, read), id);
            }
            catch (ExtentFormatException)
            {
                // Kept and reported, never deleted: a bad header does not make its chunks unreadable by scrub.
                set._unreadable.Add(id);
            }

            long length = file.Length;
            set._extents[id] = new Extent(id, file, length, salt);
            set._totalBytes += length;
        }

        set._nextId = maxId + 1;
        set._readable = new(set._extents);
        return set;
    }

    public bool IsActive(uint id)
    {
        lock (_lock)
        {
            return _active?.Id == id;
        }
    }

    public IReadOnlyList<Extent> Sealed()
    {
        lock (_lock)
        {
            return [.. _extents.Values.Where(e => e != _active)];
        }
    }

    /// <summary>
    /// Hands out <paramref name="bytes"/> at the end of the active extent and pins it for the caller (pin once
    /// per extent: <paramref name="pinned"/> collects what the caller must <see cref="Unpin"/>). Throws
    /// <see cref="DiskFullException"/> when the disk has no room, before anything is written.
    /// A frame whose data <see cref="ChunkFormat.AlignsData"/> gets padding before it so that its data, after
    /// <paramref name="dataAt"/> header bytes, starts on a page boundary (-1: no alignment).
    /// </summary>
    public (Extent Extent, long Offset) Reserve(long bytes, int dataAt, long capacity, long otherBytes, HashSet<Extent> pinned, string root)
    {
        lock (_lock)
        {
            bool roll = _active is null || (_active.Tail + Padding(_active.Tail, dataAt) + bytes > _extentBytes && _active.Tail > ChunkFormat.ExtentHeaderBytes);
            long start = roll ? ChunkFormat.ExtentHeaderBytes : _active!.Tail;
            long needed = Padding(start, dataAt) + bytes + (roll ? ChunkFormat.ExtentHeaderBytes : 0);
            if (capacity >= 0 && _totalBytes + otherBytes + needed > capacity)
            {
                throw new DiskFullException(root);
            }

            if (roll)
            {
                _active = CreateLocked();
            }

            var extent = _active!;
            long offset = extent.Tail + Padding(extent.Tail, dataAt);
            _totalBytes += offset + bytes - extent.Tail;
            extent.Tail = offset + bytes;
            if (pinned.Add(extent))
            {
                extent.Pins++;
            }

            return (extent, offset);
        }
    }

    /// <summary>
    /// Room for a commit frame at the end of the active extent. No capacity check: a commit frame is small and
    /// must not be refused on a full disk, where deletes and evacuations are what frees space.
    /// </summary>
    public (Extent Extent, long Offset) ReserveCommit(long bytes, HashSet<Extent> pinned) => Reserve(bytes, -1, -1, 0, pinned, "");

    /// <summary>Pins the extents a reader needs; null when one was retired (the caller re-reads the index).</summary>
    public Extent[]? TryPin(ShardEntry entry)
    {
        lock (_lock)
        {
            // Most shards sit in one extent: no list, no search.
            if (InOneExtent(entry.Chunks))
            {
                if (!_extents.TryGetValue(entry.Chunks[0].ExtentId, out var only))
                {
                    return null;
                }

                only.Pins++;
                return [only];
            }

            var result = new List<Extent>(1);
            foreach (var chunk in entry.Chunks)
            {
                if (result.Exists(e => e.Id == chunk.ExtentId))
                {
                    continue;
                }

                if (!_extents.TryGetValue(chunk.ExtentId, out var extent))
                {
                    foreach (var e in result)
                    {
                        e.Pins--;
                    }

                    return null;
                }

                extent.Pins++;
                result.Add(extent);
            }

            return [.. result];
        }
    }

    /// <summary>Stops appending to the active extent when <paramref name="condition"/> holds, so reclamation may take it.</summary>
    public void SealActiveIf(Func<Extent, bool> condition)
    {
        lock (_lock)
        {
            if (_active is not null && condition(_active))
            {
                _active = null;
            }
        }
    }

    public bool Exists(uint id)
    {
        lock (_lock)
        {
            return _extents.ContainsKey(id);
        }
    }

    public void Unpin(IEnumerable<Extent> extents)
    {
        lock (_lock)
        {
            foreach (var extent in extents)
            {
                extent.Pins--;
            }
        }
    }

    /// <summary>
    /// Deletes a sealed extent if nobody pins it and <paramref name="isDead"/> (checked under the lock, so no
    /// writer can land a live chunk in between: a writer pins before it reserves).
    /// </summary>
    public bool TryRetire(Extent extent, Func<uint, bool> isDead)
    {
        lock (_lock)
        {
            if (extent == _active || extent.Pins > 0 || extent.Retired || !isDead(extent.Id))
            {
                return false;
            }

            extent.Retired = true;
            _extents.Remove(extent.Id);
            _readable = new(_extents);
            _unreadable.Remove(extent.Id);
            _totalBytes -= extent.Tail;
        }

        extent.File.Dispose();
        _files.Delete(Extent.PathOf(extent.Id));
        _files.SyncDirectory(Directory);
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var extent in _extents.Values)
            {
                extent.File.Dispose();
            }

            _extents.Clear();
            _readable = [];
        }
    }

    private static long Padding(long at, int dataAt) => dataAt < 0 ? 0 : (ChunkFormat.PageBytes - ((at + dataAt) % ChunkFormat.PageBytes)) % ChunkFormat.PageBytes;

    private static bool InOneExtent(ChunkLocation[] chunks)
    {
        for (int i = 1; i < chunks.Length; i++)
        {
            if (chunks[i].ExtentId != chunks[0].ExtentId)
            {
                return false;
            }
        }

        return chunks.Length > 0;
    }

    private Extent CreateLocked()
    {
        uint id = _nextId++;
        var file = _files.Open(Extent.PathOf(id), create: true);
        ulong salt = _salt(); // never leaves the disk
        try
        {
            // Header durable and the name in the directory durable before any index record can point here.
            file.SetLength(0);
            file.Write([ChunkFormat.EncodeExtentHeader(id, salt)], 0);
            file.Flush();
            _files.SyncDirectory(Directory);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        var extent = new Extent(id, file, ChunkFormat.ExtentHeaderBytes, salt);
        _extents[id] = extent;
        _readable = new(_extents);
        _totalBytes += ChunkFormat.ExtentHeaderBytes;
        return extent;
    }
}
