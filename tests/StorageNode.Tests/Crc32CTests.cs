using System.Text;
using Cairn.StorageNode.Client;

namespace StorageNode.Tests;

public class Crc32CTests
{
    [Fact]
    public void Crc32C_Compute_KnownVector() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Crc32C_Compute_EmptyIsZero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(255)] // just below the folded (VPCLMULQDQ) path
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(256 + 15)] // one byte short of a 16-byte fold after the 256-byte steps
    [InlineData(256 + 16)]
    [InlineData(511)]
    [InlineData(4096 + 80)] // a 4 KiB block with a frame header
    [InlineData((3 * 1360) - 1)] // just below the small three-lane path
    [InlineData(3 * 1360)]
    [InlineData(4096)]
    [InlineData(8191)]
    [InlineData((3 * 4096) - 1)]
    [InlineData(3 * 4096)]
    [InlineData((7 * 4096) + 13)]
    [InlineData(1 << 20)]
    public void Crc32C_Compute_MatchesBitwiseReference(int length)
    {
        byte[] data = ShardData.Bytes(length, length);
        Assert.Equal(Reference(data), Crc32C.Compute(data));
    }

    [Fact]
    public void Crc32C_Compute_MatchesBitwiseReferenceOnRandomSizes()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        for (int i = 0; i < 300; i++)
        {
            byte[] data = new byte[random.Next(0, 3 * 4096)];
            random.NextBytes(data);
            Assert.True(Reference(data) == Crc32C.Compute(data), $"length {data.Length}, seed {seed}");
        }
    }

    [Fact]
    public void Crc32C_Append_EqualsComputeOfConcatenation()
    {
        byte[] data = ShardData.Bytes(50_000, 3);
        foreach (int split in new[] { 0, 1, 255, 256, 4095, 12_288, 49_743, 49_744, 49_999, 50_000 })
        {
            uint appended = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), appended);
        }
    }

    private static uint Reference(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
