using System.Buffers;
using System.Runtime.InteropServices;

namespace Cairn.EcBench;

/// <summary>Page-aligned native buffer exposed as Memory&lt;byte&gt;, so both codecs see identical alignment.</summary>
internal sealed unsafe class NativeBuffer : MemoryManager<byte>
{
    private readonly int _length;

    public NativeBuffer(int length)
    {
        _length = length;
        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), 4096);
        new Span<byte>(Pointer, length).Clear();
    }

    public byte* Pointer { get; private set; }

    public override Span<byte> GetSpan() => new(Pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(Pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (Pointer != null)
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}
