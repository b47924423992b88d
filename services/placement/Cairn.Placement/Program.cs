using Cairn.Placement;
using Cairn.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("placement");
builder.AddPlacement();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPlacement();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
