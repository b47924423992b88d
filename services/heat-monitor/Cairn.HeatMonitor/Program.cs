using Cairn.HeatMonitor;
using Cairn.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("heat-monitor");
builder.AddHeatMonitor();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapHeatMonitor();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
