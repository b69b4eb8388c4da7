using CsCheck;
using NevGrains.Model.Data;
using NevGrains.Model.Engine;
using NevGrains.Model.Results;
using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Engine;

/// <summary>The capacity-constrained allocation of one brand's demand across its plants (docs/model.md, section 6).</summary>
public sealed class AllocationTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void A_shortage_is_rationed_pro_rata_across_the_cells_sharing_a_plant()
    {
        // One plant builds 600 for a demand of 1,000: every cell gets 60%, whatever its landed cost or margin.
        var china = Plant(0, "china");
        var cells = new List<RouteCell>
        {
            Cell(0, 300, [china], revenue: 40_000, 20_000),
            Cell(1, 300, [china], revenue: 22_000, 21_000),
            Cell(2, 400, [china], revenue: 30_000, 25_000),
        };

        var load = Allocate(cells, [600]);

        Assert.Equal(180, cells[0].Supplied, 6);
        Assert.Equal(180, cells[1].Supplied, 6);
        Assert.Equal(240, cells[2].Supplied, 6);
        Assert.Equal([120, 120, 160], cells.Select(c => Math.Round(c.Unmet, 6)));
        Assert.Equal(600, load[0], 6);
    }

    [Fact]
    public void A_local_plant_keeps_its_home_market_when_export_capacity_is_short()
    {
        // Hungary's plant (100) saves 4,322 a car at home and 3,722 in France; China can ship only 50 of the 200 wanted.
        var china = Plant(0, "china");
        var szeged = Plant(1, "szeged", country: "HU", market: 0);
        var hungary = Cell(0, 100, [china, szeged], revenue: 30_000, 23_810, 19_488);
        var france = Cell(1, 100, [china, szeged], revenue: 30_000, 23_810, 20_088);

        var load = Allocate([hungary, france], [50, 100]);

        // 150 of 200 can be built: both markets get 75%; the plant serves its home market first, France gets the rest.
        Assert.Equal(75, hungary.Units[1], 6);
        Assert.Equal(0, hungary.Units[0], 6);
        Assert.Equal(25, france.Units[1], 6);
        Assert.Equal(50, france.Units[0], 6);
        Assert.Equal(25, hungary.Unmet, 6);
        Assert.Equal(25, france.Unmet, 6);
        Assert.Equal([50, 100], load.Select(l => Math.Round(l, 6)));
    }

    [Fact]
    public void Hand_computed_two_plants_sharing_a_market()
    {
        // A (100) serves markets 0 and 1, B (100) markets 1 and 2, 100 wanted in each: everyone gets 2/3, and market 1 takes
        // what A and B have left after their own markets: 1/3 from each.
        var a = Plant(0, "a");
        var b = Plant(1, "b");
        var first = Cell(0, 100, [a], revenue: 30_000, 20_000);
        var middle = Cell(1, 100, [a, b], revenue: 30_000, 20_000, 20_500);
        var last = Cell(2, 100, [b], revenue: 30_000, 20_500);

        var load = Allocate([first, middle, last], [100, 100]);

        Assert.Equal(200.0 / 3, first.Supplied, 6);
        Assert.Equal(200.0 / 3, last.Supplied, 6);
        Assert.Equal(100.0 / 3, middle.Units[0], 6);
        Assert.Equal(100.0 / 3, middle.Units[1], 6);
        Assert.Equal(100, load[0], 6);
        Assert.Equal(100, load[1], 6);
    }

    [Fact]
    public void Only_the_cells_that_compete_for_the_binding_plant_are_rationed()
    {
        // A (100) is the only route of market 0 (200 wanted); market 1 could use A more cheaply but B (500) has room for
        // markets 1 and 2: market 0 gets half, the others all they want, market 1 from B.
        var a = Plant(0, "a");
        var b = Plant(1, "b");
        var only = Cell(0, 200, [a], revenue: 30_000, 20_000);
        var flexible = Cell(1, 200, [a, b], revenue: 30_000, 20_000, 22_000);
        var other = Cell(2, 200, [b], revenue: 30_000, 22_000);

        Allocate([only, flexible, other], [100, 500]);

        Assert.Equal(100, only.Supplied, 6);
        Assert.Equal(100, only.Unmet, 6);
        Assert.Equal(200, flexible.Units[1], 6);
        Assert.Equal(0, flexible.Unmet, 6);
        Assert.Equal(200, other.Supplied, 6);
    }

    [Fact]
    public void Without_a_shortage_every_cell_takes_its_cheapest_route_or_the_cheapest_mix_that_fits()
    {
        // B (60) is the cheaper plant for both markets; it saves 3,000 a car in market 0 and 1,000 in market 1, so market 0 keeps it.
        var a = Plant(0, "a");
        var b = Plant(1, "b");
        var zero = Cell(0, 50, [a, b], revenue: 30_000, 23_000, 20_000);
        var one = Cell(1, 50, [a, b], revenue: 30_000, 21_000, 20_000);

        Allocate([zero, one], [1_000, 60]);

        Assert.Equal(50, zero.Units[1], 6);
        Assert.Equal(10, one.Units[1], 6);
        Assert.Equal(40, one.Units[0], 6);
        Assert.Equal(0, zero.Unmet + one.Unmet, 6);
    }

    [Fact]
    public void An_export_cap_binds_like_a_plant_and_only_on_its_scope()
    {
        // A cap of 100 on China-built cars for market 0: the rest of market 0 comes from Thailand, market 1 stays on China.
        var china = Plant(0, "china");
        var thailand = Plant(1, "thailand", country: "TH");
        var capped = Cell(0, 300, [china, thailand], revenue: 30_000, 20_000, 21_000);
        var free = Cell(1, 300, [china, thailand], revenue: 30_000, 20_000, 21_000);

        Allocate([capped, free], [1_000, 1_000], [new CapGroup(100, cell => cell.Market == 0)]);

        Assert.Equal(100, capped.Units[0], 6);
        Assert.Equal(200, capped.Units[1], 6);
        Assert.Equal(300, free.Units[0], 6);
    }

    [Fact]
    public void Markets_that_are_interchangeable_for_a_full_plant_share_it_pro_rata()
    {
        // The local plant (90) saves the same in both markets, so neither has a claim to it: each gets 90 / 300 of its demand locally.
        var china = Plant(0, "china");
        var local = Plant(1, "local", country: "HU");
        var big = Cell(0, 200, [china, local], revenue: 30_000, 23_000, 20_000);
        var small = Cell(1, 100, [china, local], revenue: 30_000, 23_000, 20_000);

        Allocate([big, small], [1_000, 90]);

        Assert.Equal(60, big.Units[1], 6);
        Assert.Equal(30, small.Units[1], 6);
    }

    [Fact]
    public void Random_instances_respect_capacity_serve_what_can_be_served_and_are_deterministic()
    {
        var instances =
            from plants in Gen.Int[1, 5]
            from cells in Gen.Int[1, 14]
            from capacity in Gen.Double[0, 1_500].Array[plants]
            from demand in Gen.Double[0, 1_000].Array[cells]
            from mask in Gen.Int[1, (1 << plants) - 1].Array[cells]
            from landed in Gen.Double[15_000, 30_000].Array[cells * plants]
            from cap in Gen.Double[-1, 800]
            select (plants, cells, capacity, demand, mask, landed, cap);

        instances.Sample(instance =>
        {
            var (cells, caps) = Build(instance);
            var load = Allocate(cells, instance.capacity, caps);
            var (again, againCaps) = Build(instance);
            Allocate(again, instance.capacity, againCaps);

            var used = new double[instance.plants];
            var capUsed = 0.0;
            for (var c = 0; c < cells.Count; c++)
            {
                var cell = cells[c];
                Assert.True(cell.Unmet >= 0 && double.IsFinite(cell.Unmet));
                Assert.Equal(cell.Demand, cell.Supplied + cell.Unmet, 6);
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    Assert.True(cell.Units[r] >= 0 && double.IsFinite(cell.Units[r]));
                    Assert.Equal(cell.Units[r], again[c].Units[r]);
                    used[cell.Plants[r].Index] += cell.Units[r];
                    capUsed += caps.Count > 0 && caps[0].Covers(cell, r) ? cell.Units[r] : 0;
                }
            }
            for (var p = 0; p < instance.plants; p++)
            {
                Assert.True(used[p] <= instance.capacity[p] + Tolerance, $"plant {p}: {used[p]} > {instance.capacity[p]}");
                Assert.Equal(used[p], load[p], 6);
            }
            if (caps.Count > 0)
            {
                Assert.True(capUsed <= caps[0].Capacity + Tolerance, $"cap: {capUsed} > {caps[0].Capacity}");
            }
            else
            {
                // Nothing is left unmet while a plant the cell can use has room.
                foreach (var cell in cells.Where(c => c.Unmet > 1e-3))
                {
                    Assert.All(cell.Plants, p => Assert.True(used[p.Index] >= instance.capacity[p.Index] - 1e-3));
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void A_shortage_of_export_capacity_rations_byds_european_sales_without_a_cliff()
    {
        // Base scenario: BYD's China plant is full in 2030. Europe shares the shortage with every market that depends on China
        // instead of losing whole markets, and the Szeged plant keeps serving Hungary.
        var compiled = CompiledBaseline.Shipped;
        var result = ScenarioEngine.Run(compiled, Scenario.Base());
        double Europe(int year) => new MetricSpec(MetricKind.Units, year, "byd", ["europe"]).Evaluate(result, compiled);

        Assert.True(Europe(2030) >= Europe(2029), $"BYD in Europe: {Europe(2029):N0} in 2029, {Europe(2030):N0} in 2030");
        var france = result.Cell("byd", "fr", 2030)!;
        Assert.True(france.BevUnits > 0, $"France: {france}");
        Assert.True(france.UnmetUnits < 0.1 * (france.Units + france.UnmetUnits), $"France: {france}");
        Assert.True(result.Cell("byd", "hu", 2030)!.LocallyBuiltShare > 0.99);
        Assert.All(result.Plants, p => Assert.True(p.Units <= p.Capacity + 1e-3, $"{p.Plant} {p.Year}: {p.Units} > {p.Capacity}"));
    }

    private static (List<RouteCell> Cells, List<CapGroup> Caps) Build(
        (int plants, int cells, double[] capacity, double[] demand, int[] mask, double[] landed, double cap) instance)
    {
        var plants = Enumerable.Range(0, instance.plants).Select(p => Plant(p, $"p{p}", country: p == 0 ? "CN" : "TH")).ToArray();
        var cells = new List<RouteCell>();
        for (var c = 0; c < instance.cells; c++)
        {
            var mine = plants.Where(p => (instance.mask[c] & (1 << p.Index)) != 0).ToArray();
            var costs = mine.Select(p => instance.landed[c * instance.plants + p.Index]).ToArray();
            cells.Add(Cell(c, instance.demand[c], mine, revenue: 30_000, costs));
        }
        // A negative draw means no cap; otherwise a cap on China-built cars for the even markets.
        List<CapGroup> caps = instance.cap < 0 ? [] : [new CapGroup(instance.cap, cell => cell.Market % 2 == 0)];
        return (cells, caps);
    }

    private static double[] Allocate(List<RouteCell> cells, double[] capacity, IReadOnlyList<CapGroup>? caps = null)
    {
        var load = new double[capacity.Length];
        Allocation.Allocate(cells, capacity, caps ?? [], load);
        return load;
    }

    private static PlantInfo Plant(int index, string id, string country = "CN", int market = -1) =>
        new(index, id, id, 0, country, 0, market, [true, true, true], new DateOnly(2020, 1, 1), null, [1e9], 1, GoodsForm.Cbu, [1], null);

    private static RouteCell Cell(int market, double demand, PlantInfo[] plants, double revenue, params double[] landed)
    {
        var cell = new RouteCell(market, 0, Powertrain.Bev, plants);
        Array.Copy(landed, cell.Landed, landed.Length);
        cell.SortRoutes();
        cell.Demand = demand;
        cell.UnitRevenue = revenue;
        return cell;
    }
}
