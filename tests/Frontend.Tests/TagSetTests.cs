using Cairn.Frontend.Http;
using Cairn.S3.Protocol;

namespace Frontend.Tests;

public sealed class TagSetTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a=1", 1)]
    [InlineData("a=1&b=", 2)]
    [InlineData("a=1&b", 2)]
    [InlineData("k%20x=v%26w&plus=a+b", 2)]
    public void TagSet_FromHeader_ParsesQueryForm(string header, int count)
    {
        var tags = TagSet.FromHeader(header);

        Assert.Equal(count, tags.Count);
        if (header.Contains("k%20x", StringComparison.Ordinal))
        {
            Assert.Equal("v&w", tags["k x"]);
            Assert.Equal("a b", tags["plus"]);
        }
    }

    [Theory]
    [InlineData("a=1&a=2")]
    [InlineData("aws:x=1")]
    [InlineData("=v")]
    [InlineData("t0=&t1=&t2=&t3=&t4=&t5=&t6=&t7=&t8=&t9=&t10=")]
    [InlineData("bad%zz=1")]
    [InlineData("k=%C3%28")]
    [InlineData("k=50%")]
    public void TagSet_FromHeader_BrokenRulesAreInvalidTag(string header)
    {
        var e = Assert.Throws<S3Exception>(() => TagSet.FromHeader(header));
        Assert.Equal(("InvalidTag", 400), (e.Code, e.StatusCode));
    }

    [Fact]
    public void TagSet_FromHeader_LengthsCountCharactersNotBytes()
    {
        var key = new string('é', 128);
        var value = new string('ü', 256);

        Assert.Equal(value, TagSet.FromHeader(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value))[key]);
        Assert.Throws<S3Exception>(() => TagSet.FromHeader("k=" + Uri.EscapeDataString(value + "ü")));
    }

    [Theory]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>")]
    [InlineData("<Tagging></Tagging>")]
    [InlineData("<Other><TagSet/></Other>")]
    public void TagSet_FromXml_WrongShapeIsMalformedXml(string xml)
    {
        var e = Assert.Throws<S3Exception>(() => TagSet.FromXml(RequestXml.Parse(System.Text.Encoding.UTF8.GetBytes(xml), 4096)));
        Assert.Equal("MalformedXML", e.Code);
    }

    [Fact]
    public void ByteRange_ParseCopySource_StrictForm()
    {
        Assert.Equal(new ByteRange(0, 100), ByteRange.ParseCopySource(null, 100));
        Assert.Equal(new ByteRange(10, 11), ByteRange.ParseCopySource("bytes=10-20", 100));
        Assert.Equal("InvalidRange", Assert.Throws<S3Exception>(() => ByteRange.ParseCopySource("bytes=0-100", 100)).Code);
        foreach (var bad in new[] { "bytes=-5", "bytes=5-", "bytes=9-3", "items=0-1", "bytes=0-1,3-4" })
        {
            Assert.Equal("InvalidArgument", Assert.Throws<S3Exception>(() => ByteRange.ParseCopySource(bad, 100)).Code);
        }
    }
}
