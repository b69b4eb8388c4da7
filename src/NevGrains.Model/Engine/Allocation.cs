namespace NevGrains.Model.Engine;

/// <summary>A shared cap on some routes (an export licence quota on China-built cars of one brand to some markets).</summary>
internal sealed class CapGroup(double capacity, Func<RouteCell, bool> cellInScope)
{
    public double Capacity { get; } = capacity;

    public bool Covers(RouteCell cell, int route) => cell.Plants[route].IsInChina && cellInScope(cell);
}

/// <summary>
/// Capacity-constrained allocation of one brand's demand across its plants (docs/model.md section 6), in two steps:
/// <list type="number">
/// <item><b>Rationing.</b> When the brand's plants (and export caps) cannot build all its demand, the shortfall is shared pro rata to
/// demand among the cells (market x powertrain) that compete for the binding capacity: every such cell gets the same fill rate, and
/// cells that can reach a plant with spare capacity are served in full (the max-min fair, "water-filling" allocation of the
/// served amounts). This is continuous in capacities and demands: a small change of capacity moves every rationed cell a little.</item>
/// <item><b>Routing.</b> Given the served amounts, units go where the brand's total landed cost is lowest subject to every plant's and
/// cap's capacity (a min-cost transportation problem, solved exactly: every cell on its cheapest route when that fits; otherwise from
/// the previous call's split, cancelling cost-lowering cycles, then moving the excess of full nodes along shortest paths). A full
/// plant therefore keeps the markets where it saves most over the next route, e.g. its own market (no freight).</item>
/// <item><b>Ties.</b> Markets for which two plants differ by exactly the same cost (every EU market between Szeged and China) are
/// interchangeable, and the minimum cost does not say which gets the plant: such a group shares the two plants pro rata.</item>
/// </list>
/// Units a cell cannot be given are unmet demand, which the market then gives to other alternatives.
/// </summary>
internal static class Allocation
{
    [ThreadStatic]
    private static AllocationSolver? t_solver;

    /// <param name="load">Receives the units each plant builds (one slot per plant).</param>
    public static void Allocate(List<RouteCell> cells, double[] plantCapacity, IReadOnlyList<CapGroup> caps, double[] load) =>
        (t_solver ??= new AllocationSolver()).Run(cells, plantCapacity, caps, load);
}

/// <summary>
/// The network behind <see cref="Allocation"/>: source → cell (the cell's served amount) → constraint node (one arc per route, costing
/// the route's landed cost) → parent constraint node → sink. Constraint nodes are the plants with capacity this year and the export
/// caps; caps that nest with the plants (one China plant, caps nested or disjoint) form a forest and are exact. A cap that crosses
/// another constraint (overlapping scopes that do not nest, or one cap over two China plants) cannot be a flow arc: it is enforced
/// afterwards by cutting the units on its routes pro rata.
/// </summary>
internal sealed class AllocationSolver
{
    /// <summary>Vehicles below which an excess, a residual capacity or a shortfall counts as zero.</summary>
    private const double Tolerance = 1e-6;
    private const int MaxWaterLevels = 256;
    private const int MaxDinkelbachSteps = 64;

    private List<RouteCell> _cells = [];
    private double[] _plantCapacity = [];

    // Active cells: demand > 0 and at least one usable route.
    private int _cellCount;
    private int[] _cellIndex = new int[16];
    private int[] _routeStart = new int[17];
    private int _routeCount;
    private int[] _routeNode = new int[64];
    private int[] _routeArc = new int[64];

    // Constraint nodes: plants with capacity, then accepted caps.
    private int _nodeCount;
    private int _plantNodes;
    private double[] _nodeCapacity = new double[16];
    private int[] _nodeParent = new int[16];
    private int[] _nodeDepthOrder = new int[16];
    private int[] _nodeArc = new int[16];
    private int[] _nodeSize = new int[16];
    private ulong[] _sets = [];
    private int[] _plantNode = [];
    private readonly List<CapGroup> _droppedCaps = [];

    // Residual graph.
    private int _vertexCount;
    private int _arcCount;
    private int[] _head = new int[32];
    private int[] _next = new int[128];
    private int[] _to = new int[128];
    private double[] _capacity = new double[128];
    private double[] _residual = new double[128];
    private double[] _cost = new double[128];
    private int[] _sourceArc = new int[16];

    // Scratch.
    private double[] _target = new double[16];
    private double[] _served = new double[16];
    private bool[] _active = new bool[16];
    private bool[] _inTightSet = new bool[16];
    private double[] _excess = new double[16];
    private double[] _inflow = new double[16];
    private double[] _dist = new double[32];
    private int[] _prevArc = new int[32];
    private bool[] _inQueue = new bool[32];
    private int[] _queue = new int[64];
    private int[] _level = new int[32];
    private int[] _iter = new int[32];
    private double[] _pairCost = new double[64];
    private int[] _pairCell = new int[64];
    private int[] _pairFrom = new int[64];
    private int[] _pairTo = new int[64];
    private double[] _nodeDist = new double[16];
    private int[] _nodePred = new int[16];
    private int[] _nodePredKind = new int[16];
    private int[] _cellStamp = new int[16];
    private int _stamp;
    private readonly List<int> _cycle = [];
    private double[] _prior = new double[64];
    private bool _spread;
    private int[] _routeOfNode = new int[64];
    private int[] _tie = new int[16];
    private double[] _tieCost = new double[16];

    public void Run(List<RouteCell> cells, double[] plantCapacity, IReadOnlyList<CapGroup> caps, double[] load)
    {
        _cells = cells;
        _plantCapacity = plantCapacity;
        BuildNodes(caps);
        if (_cellCount > 0)
        {
            BuildGraph();
            for (var c = 0; c < _cellCount; c++)
            {
                _target[c] = _cells[_cellIndex[c]].Demand;
            }
            if (!Route(_target))
            {
                WaterFill();
                if (!Route(_served))
                {
                    // Not reachable when the served amounts are feasible; the trimming below keeps capacity respected regardless.
                    RouteCheapestOnly(_served);
                    _spread = false;
                }
            }
            WriteBack();
            if (_spread)
            {
                SpreadTies();
            }
        }
        if (TrimCaps(caps) | TrimPlants(load))
        {
            Loads(load);
        }
        for (var n = 0; n < _plantNodes; n++)
        {
            _plantNode[PlantOfNode(n)] = -1;
        }
    }

    // ---------------------------------------------------------------- constraint forest

    private int[] _nodePlant = new int[16];

    private int PlantOfNode(int node) => _nodePlant[node];

    private void BuildNodes(IReadOnlyList<CapGroup> caps)
    {
        if (_plantNode.Length < _plantCapacity.Length)
        {
            _plantNode = new int[_plantCapacity.Length];
            Array.Fill(_plantNode, -1);
        }
        _cellCount = 0;
        _routeCount = 0;
        _nodeCount = 0;
        _droppedCaps.Clear();
        for (var i = 0; i < _cells.Count; i++)
        {
            var cell = _cells[i];
            if (cell.Demand <= 0)
            {
                cell.ClearUnits();
                continue;
            }
            var usable = false;
            foreach (var plant in cell.Plants)
            {
                usable |= _plantCapacity[plant.Index] > 0;
            }
            if (!usable)
            {
                cell.ClearUnits();
                cell.Unmet = cell.Demand;
                continue;
            }
            Grow(ref _cellIndex, _cellCount + 1);
            Grow(ref _routeStart, _cellCount + 2);
            _cellIndex[_cellCount] = i;
            _routeStart[_cellCount] = _routeCount;
            Grow(ref _routeNode, _routeCount + cell.Plants.Length);
            Grow(ref _routeArc, _routeCount + cell.Plants.Length);
            // The units of the previous call (the previous fixed-point iteration) are where the routing starts when the cheapest routes do not fit.
            Grow(ref _prior, _routeCount + cell.Plants.Length);
            Array.Copy(cell.Units, 0, _prior, _routeCount, cell.Plants.Length);
            cell.ClearUnits();
            foreach (var plant in cell.Plants)
            {
                var node = -1;
                if (_plantCapacity[plant.Index] > 0)
                {
                    node = _plantNode[plant.Index];
                    if (node < 0)
                    {
                        node = AddNode(_plantCapacity[plant.Index]);
                        _plantNode[plant.Index] = node;
                        Grow(ref _nodePlant, node + 1);
                        _nodePlant[node] = plant.Index;
                    }
                }
                _routeNode[_routeCount++] = node;
            }
            _cellCount++;
        }
        _routeStart[_cellCount] = _routeCount;
        _plantNodes = _nodeCount;
        for (var n = 0; n < _nodeCount; n++)
        {
            _nodeParent[n] = -1;
            _nodeDepthOrder[n] = n;
        }
        if (caps.Count > 0 && _cellCount > 0)
        {
            AddCaps(caps);
        }
        else if (caps.Count > 0)
        {
            _droppedCaps.AddRange(caps);
        }
    }

    private int AddNode(double capacity)
    {
        var node = _nodeCount++;
        Grow(ref _nodeCapacity, _nodeCount);
        Grow(ref _nodeParent, _nodeCount);
        Grow(ref _nodeDepthOrder, _nodeCount);
        Grow(ref _nodeArc, _nodeCount);
        Grow(ref _nodeSize, _nodeCount);
        _nodeCapacity[node] = capacity;
        return node;
    }

    /// <summary>Adds the caps that nest with the plants and earlier caps as constraint nodes, and hangs every node under the smallest constraint containing it.</summary>
    private void AddCaps(IReadOnlyList<CapGroup> caps)
    {
        var words = (_routeCount + 63) / 64;
        var maxNodes = _nodeCount + caps.Count;
        if (_sets.Length < maxNodes * words)
        {
            _sets = new ulong[maxNodes * words];
        }
        Array.Clear(_sets, 0, maxNodes * words);
        for (var n = 0; n < _nodeCount; n++)
        {
            _nodeSize[n] = 0;
        }
        for (var f = 0; f < _routeCount; f++)
        {
            if (_routeNode[f] >= 0)
            {
                _sets[_routeNode[f] * words + f / 64] |= 1UL << (f % 64);
                _nodeSize[_routeNode[f]]++;
            }
        }
        foreach (var cap in caps)
        {
            var node = _nodeCount;
            Grow(ref _nodeSize, node + 1);
            var size = 0;
            for (var c = 0; c < _cellCount; c++)
            {
                var cell = _cells[_cellIndex[c]];
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    var f = _routeStart[c] + r;
                    if (_routeNode[f] >= 0 && cap.Covers(cell, r))
                    {
                        _sets[node * words + f / 64] |= 1UL << (f % 64);
                        size++;
                    }
                }
            }
            var nests = size > 0;
            for (var other = 0; other < node && nests; other++)
            {
                nests = Nested(node, other, words);
            }
            if (!nests)
            {
                Array.Clear(_sets, node * words, words);
                if (size > 0)
                {
                    _droppedCaps.Add(cap);
                }
                continue;
            }
            AddNode(Math.Max(0, cap.Capacity));
            _nodeSize[node] = size;
        }
        // Parents: the smallest constraint containing a node (for equal sets, the earlier one is the outer one).
        for (var b = 0; b < _nodeCount; b++)
        {
            var parent = -1;
            for (var a = 0; a < _nodeCount; a++)
            {
                if (a == b || !Subset(b, a, words) || (_nodeSize[a] == _nodeSize[b] && a > b))
                {
                    continue;
                }
                if (parent < 0 || _nodeSize[a] < _nodeSize[parent] || (_nodeSize[a] == _nodeSize[parent] && a > parent))
                {
                    parent = a;
                }
            }
            _nodeParent[b] = parent;
        }
        // Each route enters the innermost constraint containing it.
        for (var f = 0; f < _routeCount; f++)
        {
            var best = _routeNode[f];
            if (best < 0)
            {
                continue;
            }
            for (var n = _plantNodes; n < _nodeCount; n++)
            {
                if ((_sets[n * words + f / 64] & (1UL << (f % 64))) != 0
                    && (_nodeSize[n] < _nodeSize[best] || (_nodeSize[n] == _nodeSize[best] && n > best)))
                {
                    best = n;
                }
            }
            _routeNode[f] = best;
        }
        // Deepest first, so a node's inflow is known before its parent's.
        Span<int> depth = _nodeCount <= 64 ? stackalloc int[_nodeCount] : new int[_nodeCount];
        for (var n = 0; n < _nodeCount; n++)
        {
            for (var p = _nodeParent[n]; p >= 0; p = _nodeParent[p])
            {
                depth[n]++;
            }
            _nodeDepthOrder[n] = n;
        }
        for (var i = 1; i < _nodeCount; i++)
        {
            var node = _nodeDepthOrder[i];
            var j = i;
            while (j > 0 && depth[_nodeDepthOrder[j - 1]] < depth[node])
            {
                _nodeDepthOrder[j] = _nodeDepthOrder[j - 1];
                j--;
            }
            _nodeDepthOrder[j] = node;
        }
    }

    /// <summary>Whether the route sets of two nodes are disjoint or one contains the other.</summary>
    private bool Nested(int a, int b, int words)
    {
        bool intersect = false, aInB = true, bInA = true;
        for (var w = 0; w < words; w++)
        {
            var x = _sets[a * words + w];
            var y = _sets[b * words + w];
            intersect |= (x & y) != 0;
            aInB &= (x & ~y) == 0;
            bInA &= (y & ~x) == 0;
        }
        return !intersect || aInB || bInA;
    }

    private bool Subset(int a, int b, int words)
    {
        for (var w = 0; w < words; w++)
        {
            if ((_sets[a * words + w] & ~_sets[b * words + w]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- graph

    private int CellVertex(int c) => 1 + c;

    private int NodeVertex(int n) => 1 + _cellCount + n;

    private int Sink => _vertexCount - 1;

    private void BuildGraph()
    {
        _vertexCount = _cellCount + _nodeCount + 2;
        _arcCount = 0;
        var arcs = 2 * (_cellCount + _routeCount + _nodeCount);
        Grow(ref _next, arcs);
        Grow(ref _to, arcs);
        Grow(ref _capacity, arcs);
        Grow(ref _residual, arcs);
        Grow(ref _cost, arcs);
        Grow(ref _head, _vertexCount);
        Array.Fill(_head, -1, 0, _vertexCount);
        Grow(ref _sourceArc, _cellCount);
        for (var c = 0; c < _cellCount; c++)
        {
            _sourceArc[c] = AddArc(0, CellVertex(c), 0, 0);
            var cell = _cells[_cellIndex[c]];
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var f = _routeStart[c] + r;
                _routeArc[f] = _routeNode[f] < 0 ? -1 : AddArc(CellVertex(c), NodeVertex(_routeNode[f]), double.PositiveInfinity, cell.Landed[r]);
            }
        }
        for (var n = 0; n < _nodeCount; n++)
        {
            _nodeArc[n] = AddArc(NodeVertex(n), _nodeParent[n] < 0 ? Sink : NodeVertex(_nodeParent[n]), _nodeCapacity[n], 0);
        }
        var v = _vertexCount;
        Grow(ref _dist, v);
        Grow(ref _prevArc, v);
        Grow(ref _inQueue, v);
        Grow(ref _level, v);
        Grow(ref _iter, v);
        Grow(ref _queue, v + 1);
        Grow(ref _target, _cellCount);
        Grow(ref _served, _cellCount);
        Grow(ref _active, _cellCount);
        Grow(ref _inTightSet, _cellCount);
        Grow(ref _excess, _nodeCount);
        Grow(ref _inflow, _nodeCount);
    }

    private int AddArc(int from, int to, double capacity, double cost)
    {
        // The arrays are sized in BuildGraph.
        var a = _arcCount;
        _arcCount += 2;
        _to[a] = to;
        _capacity[a] = capacity;
        _cost[a] = cost;
        _next[a] = _head[from];
        _head[from] = a;
        _to[a + 1] = from;
        _capacity[a + 1] = 0;
        _cost[a + 1] = -cost;
        _next[a + 1] = _head[to];
        _head[to] = a + 1;
        return a;
    }

    private void ResetFlows(double[] targets)
    {
        for (var a = 0; a < _arcCount; a++)
        {
            _residual[a] = _capacity[a];
        }
        for (var c = 0; c < _cellCount; c++)
        {
            _residual[_sourceArc[c]] = targets[c];
        }
    }

    private void Push(int arc, double amount)
    {
        _residual[arc] -= amount;
        _residual[arc ^ 1] += amount;
    }

    private double Flow(int arc) => _residual[arc ^ 1];

    // ---------------------------------------------------------------- routing: min landed cost for given served amounts

    /// <summary>
    /// Min-cost routing of the given served amounts. Every cell on its cheapest route is optimal when it fits. Otherwise the routing
    /// starts from the previous call's split of each cell over its routes (the fixed point moves demand little between iterations),
    /// cancels the negative cycles of that start (moves that lower cost), and moves the excess of full nodes along shortest paths
    /// of the residual graph until nothing is over capacity; on numerical trouble it starts again from the cheapest routes. False
    /// when some excess has nowhere to go (the targets are infeasible).
    /// </summary>
    private bool Route(double[] targets)
    {
        _spread = false;
        if (CheapestFits(targets))
        {
            Start(targets, warm: false);
            return true;
        }
        _spread = true;
        var warm = false;
        for (var f = 0; f < _routeCount && !warm; f++)
        {
            warm = _prior[f] > 0 && _routeArc[f] >= 0;
        }
        if (warm)
        {
            Start(targets, warm: true);
            if (CancelNegativeCycles())
            {
                var pushed = PushExcess();
                if (pushed >= 0)
                {
                    return pushed == 1;
                }
            }
        }
        Start(targets, warm: false);
        return PushExcess() == 1;
    }

    /// <summary>Whether every cell on its cheapest route leaves every node within capacity (loads only, no flows).</summary>
    private bool CheapestFits(double[] targets)
    {
        Array.Clear(_inflow, 0, _nodeCount);
        for (var c = 0; c < _cellCount; c++)
        {
            if (targets[c] <= 0)
            {
                continue;
            }
            foreach (var r in _cells[_cellIndex[c]].Order)
            {
                var f = _routeStart[c] + r;
                if (_routeArc[f] >= 0)
                {
                    _inflow[_routeNode[f]] += targets[c];
                    break;
                }
            }
        }
        for (var i = 0; i < _nodeCount; i++)
        {
            var n = _nodeDepthOrder[i];
            if (_inflow[n] - _nodeCapacity[n] > Tolerance)
            {
                return false;
            }
            if (_nodeParent[n] >= 0)
            {
                _inflow[_nodeParent[n]] += _inflow[n];
            }
        }
        return true;
    }

    /// <summary>
    /// Resets the flows to the targets on each cell's cheapest route (or, warm, split like the previous call), each node passing up
    /// what it can; true when no node is over capacity.
    /// </summary>
    private bool Start(double[] targets, bool warm)
    {
        ResetFlows(targets);
        Array.Clear(_inflow, 0, _nodeCount);
        for (var c = 0; c < _cellCount; c++)
        {
            var amount = targets[c];
            _residual[_sourceArc[c]] = 0;
            _residual[_sourceArc[c] ^ 1] = amount;
            if (amount <= 0)
            {
                continue;
            }
            int first = _routeStart[c], last = _routeStart[c + 1];
            var prior = 0.0;
            if (warm)
            {
                for (var f = first; f < last; f++)
                {
                    prior += _routeArc[f] >= 0 ? _prior[f] : 0;
                }
            }
            if (prior > 0)
            {
                for (var f = first; f < last; f++)
                {
                    if (_routeArc[f] >= 0 && _prior[f] > 0)
                    {
                        var part = amount * (_prior[f] / prior);
                        Push(_routeArc[f], part);
                        _inflow[_routeNode[f]] += part;
                    }
                }
                continue;
            }
            foreach (var r in _cells[_cellIndex[c]].Order)
            {
                var arc = _routeArc[first + r];
                if (arc >= 0)
                {
                    Push(arc, amount);
                    _inflow[_routeNode[first + r]] += amount;
                    break;
                }
            }
        }
        var overloaded = false;
        for (var i = 0; i < _nodeCount; i++)
        {
            var n = _nodeDepthOrder[i];
            var through = Math.Min(_inflow[n], _nodeCapacity[n]);
            Push(_nodeArc[n], through);
            _excess[n] = _inflow[n] - through;
            overloaded |= _excess[n] > Tolerance;
            if (_nodeParent[n] >= 0)
            {
                _inflow[_nodeParent[n]] += through;
            }
        }
        return !overloaded;
    }

    /// <summary>Moves the excess of full nodes along shortest paths to the sink: 1 done, 0 some excess has nowhere to go, -1 trouble.</summary>
    private int PushExcess()
    {
        var guard = 4 * (_arcCount + _vertexCount) + 64;
        for (var i = 0; i < _nodeCount; i++)
        {
            var n = _nodeDepthOrder[i];
            while (_excess[n] > Tolerance)
            {
                var found = NodePath(n);
                if (found < 0)
                {
                    // A path through the same cell twice (zero-cost cycles): the full search finds a simple one.
                    found = ShortestPath(NodeVertex(n)) ? 1 : 0;
                }
                if (found == 0)
                {
                    return 0;
                }
                if (--guard < 0)
                {
                    return -1;
                }
                var amount = _excess[n];
                for (var v = Sink; v != NodeVertex(n); v = _to[_prevArc[v] ^ 1])
                {
                    amount = Math.Min(amount, _residual[_prevArc[v]]);
                }
                for (var v = Sink; v != NodeVertex(n); v = _to[_prevArc[v] ^ 1])
                {
                    Push(_prevArc[v], amount);
                }
                _excess[n] -= amount;
            }
        }
        return 1;
    }

    /// <summary>
    /// Cheapest path from constraint node <paramref name="start"/> to the sink, searched on the constraint nodes only: moving units from
    /// node a to node b costs the least landed-cost difference over the cells with units on a route into a and a route into b; the
    /// forest's arcs cost nothing. Equivalent to the search on the whole residual graph (whose paths alternate nodes and cells) but
    /// scans every cell once instead of once per visit. Sets <c>_prevArc</c> along the path; 1 found, 0 none, -1 the path passes
    /// through a cell twice (then the caller searches the whole graph).
    /// </summary>
    private int NodePath(int start)
    {
        var n = _nodeCount;
        BuildPairs();
        // Bellman-Ford on the nodes plus the sink (index n); no negative cycles, so n + 1 rounds suffice.
        Array.Fill(_nodeDist, double.PositiveInfinity, 0, n + 1);
        _nodeDist[start] = 0;
        for (var round = 0; round <= n && RelaxRound(sinkEdges: false) >= 0; round++)
        {
        }
        if (double.IsPositiveInfinity(_nodeDist[n]))
        {
            return 0;
        }
        NextStamp();
        var steps = 0;
        for (var v = n; v != start; v = _nodePred[v])
        {
            if (++steps > n + 1 || !PathArcs(_nodePred[v], v, out var first, out var second))
            {
                return -1;
            }
            _prevArc[v == n ? Sink : NodeVertex(v)] = first;
            if (second >= 0)
            {
                _prevArc[_to[first ^ 1]] = second;
            }
        }
        return 1;
    }

    /// <summary>
    /// The arcs of the node-level step <paramref name="u"/> → <paramref name="v"/> (the sink is index <c>_nodeCount</c>): for a move
    /// through a cell, <paramref name="last"/> enters v from the cell and <paramref name="before"/> enters the cell from u; otherwise
    /// one forest arc. False when the cell was already used on this path or cycle (see <c>_stamp</c>).
    /// </summary>
    private bool PathArcs(int u, int v, out int last, out int before)
    {
        before = -1;
        switch (_nodePredKind[v])
        {
            case 0:
                var pair = u * _nodeCount + v;
                var c = _pairCell[pair];
                if (_cellStamp[c] == _stamp)
                {
                    last = -1;
                    return false;
                }
                _cellStamp[c] = _stamp;
                last = _routeArc[_pairTo[pair]];
                before = _routeArc[_pairFrom[pair]] ^ 1;
                return true;
            case 1:
                last = _nodeArc[u];
                return true;
            default:
                last = _nodeArc[v] ^ 1;
                return true;
        }
    }

    /// <summary>The cheapest move of units between each pair of constraint nodes, over the cells with units in the first.</summary>
    private void BuildPairs()
    {
        var n = _nodeCount;
        var pairs = n * n;
        Grow(ref _pairCost, pairs);
        Grow(ref _pairCell, pairs);
        Grow(ref _pairFrom, pairs);
        Grow(ref _pairTo, pairs);
        Grow(ref _nodeDist, n + 1);
        Grow(ref _nodePred, n + 1);
        Grow(ref _nodePredKind, n + 1);
        Grow(ref _cellStamp, _cellCount);
        Array.Fill(_pairCost, double.PositiveInfinity, 0, pairs);
        for (var c = 0; c < _cellCount; c++)
        {
            var cell = _cells[_cellIndex[c]];
            int first = _routeStart[c], last = _routeStart[c + 1];
            for (var f = first; f < last; f++)
            {
                var from = _routeNode[f];
                if (from < 0 || Flow(_routeArc[f]) <= Tolerance)
                {
                    continue;
                }
                var leave = cell.Landed[f - first];
                for (var g = first; g < last; g++)
                {
                    var to = _routeNode[g];
                    if (to < 0 || to == from)
                    {
                        continue;
                    }
                    var cost = cell.Landed[g - first] - leave;
                    var pair = from * n + to;
                    if (cost < _pairCost[pair])
                    {
                        _pairCost[pair] = cost;
                        _pairCell[pair] = c;
                        _pairFrom[pair] = f;
                        _pairTo[pair] = g;
                    }
                }
            }
        }
    }

    /// <summary>One Bellman-Ford round over the node-level graph; the last vertex whose distance fell, or -1.</summary>
    private int RelaxRound(bool sinkEdges)
    {
        var n = _nodeCount;
        var last = -1;
        for (var u = 0; u < n; u++)
        {
            var du = _nodeDist[u];
            if (double.IsPositiveInfinity(du))
            {
                continue;
            }
            for (var v = 0; v < n; v++)
            {
                var w = _pairCost[u * n + v];
                if (!double.IsPositiveInfinity(w) && Relax(u, v, du + w, 0))
                {
                    last = v;
                }
            }
            if (_residual[_nodeArc[u]] > Tolerance)
            {
                var up = _nodeParent[u] < 0 ? n : _nodeParent[u];
                if (Relax(u, up, du, 1))
                {
                    last = up;
                }
            }
            for (var v = 0; v < n; v++)
            {
                if (_nodeParent[v] == u && Flow(_nodeArc[v]) > Tolerance && Relax(u, v, du, 2))
                {
                    last = v;
                }
            }
        }
        if (sinkEdges && !double.IsPositiveInfinity(_nodeDist[n]))
        {
            for (var v = 0; v < n; v++)
            {
                if (_nodeParent[v] < 0 && Flow(_nodeArc[v]) > Tolerance && Relax(n, v, _nodeDist[n], 2))
                {
                    last = v;
                }
            }
        }
        return last;
    }

    /// <summary>
    /// Cancels negative cycles of the node-level residual graph (moves of units that lower the total landed cost without changing any
    /// cell's amount) until there are none. False on numerical trouble (the caller then starts from the cheapest routes).
    /// </summary>
    private bool CancelNegativeCycles()
    {
        var n = _nodeCount;
        for (var guard = 0; guard < 4 * _cellCount + 16; guard++)
        {
            BuildPairs();
            Array.Fill(_nodeDist, 0, 0, n + 1);
            Array.Fill(_nodePred, -1, 0, n + 1);
            var last = -1;
            for (var round = 0; round <= n; round++)
            {
                last = RelaxRound(sinkEdges: true);
                if (last < 0)
                {
                    return true;
                }
            }
            // Relaxed in round n + 1 of a graph with n + 1 vertices: walking back n + 1 steps lands on a negative cycle.
            var v = last;
            for (var i = 0; i <= n && v >= 0; i++)
            {
                v = _nodePred[v];
            }
            if (v < 0)
            {
                return false;
            }
            NextStamp();
            _cycle.Clear();
            var u = v;
            do
            {
                if (_cycle.Count > 2 * (n + 1) || _nodePred[u] < 0 || !PathArcs(_nodePred[u], u, out var arc, out var before))
                {
                    return false;
                }
                _cycle.Add(arc);
                if (before >= 0)
                {
                    _cycle.Add(before);
                }
                u = _nodePred[u];
            }
            while (u != v);
            var amount = double.PositiveInfinity;
            foreach (var arc in _cycle)
            {
                amount = Math.Min(amount, _residual[arc]);
            }
            if (amount <= Tolerance)
            {
                return false;
            }
            foreach (var arc in _cycle)
            {
                Push(arc, amount);
            }
        }
        return false;
    }

    private void NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_cellStamp);
            _stamp = 1;
        }
    }

    private bool Relax(int u, int v, double d, int kind)
    {
        if (d < _nodeDist[v] - 1e-9 * (1 + Math.Abs(d)))
        {
            _nodeDist[v] = d;
            _nodePred[v] = u;
            _nodePredKind[v] = kind;
            return true;
        }
        return false;
    }

    /// <summary>Cheapest path from <paramref name="start"/> to the sink over arcs with residual capacity (Bellman-Ford with a queue: reverse arcs cost less than nothing).</summary>
    private bool ShortestPath(int start)
    {
        Array.Fill(_dist, double.PositiveInfinity, 0, _vertexCount);
        Array.Clear(_inQueue, 0, _vertexCount);
        var size = _vertexCount + 1;
        int head = 0, tail = 0, relaxations = 0, limit = _vertexCount * _arcCount + 16;
        _dist[start] = 0;
        _queue[tail] = start;
        tail = (tail + 1) % size;
        _inQueue[start] = true;
        while (head != tail)
        {
            var u = _queue[head];
            head = (head + 1) % size;
            _inQueue[u] = false;
            if (u == Sink)
            {
                continue;
            }
            for (var a = _head[u]; a >= 0; a = _next[a])
            {
                if (_residual[a] <= Tolerance)
                {
                    continue;
                }
                var v = _to[a];
                var d = _dist[u] + _cost[a];
                if (d < _dist[v] - 1e-9 * (1 + Math.Abs(d)))
                {
                    if (++relaxations > limit)
                    {
                        return false;
                    }
                    _dist[v] = d;
                    _prevArc[v] = a;
                    if (!_inQueue[v])
                    {
                        _inQueue[v] = true;
                        _queue[tail] = v;
                        tail = (tail + 1) % size;
                    }
                }
            }
        }
        return !double.IsPositiveInfinity(_dist[Sink]);
    }

    /// <summary>Fallback (numerical trouble only): every served unit on its cheapest route; <see cref="Trim"/> then enforces capacity.</summary>
    private void RouteCheapestOnly(double[] targets)
    {
        ResetFlows(targets);
        for (var c = 0; c < _cellCount; c++)
        {
            var cell = _cells[_cellIndex[c]];
            foreach (var r in cell.Order)
            {
                var arc = _routeArc[_routeStart[c] + r];
                if (arc >= 0)
                {
                    Push(arc, targets[c]);
                    break;
                }
            }
        }
    }

    // ---------------------------------------------------------------- rationing: equal fill rates where capacity binds

    /// <summary>
    /// The served amounts when not all demand can be built: raise every cell's fill rate together until a set of cells can go no
    /// higher (their reachable capacity is full), freeze that set at that rate, and continue with the others (max-min fair
    /// water-filling). Each level is found with Dinkelbach steps on the minimum cut.
    /// </summary>
    private void WaterFill()
    {
        var remaining = 0;
        for (var c = 0; c < _cellCount; c++)
        {
            _served[c] = 0;
            _active[c] = true;
            remaining++;
        }
        for (var level = 0; level < MaxWaterLevels && remaining > 0; level++)
        {
            var theta = 1.0;
            var tight = false;
            for (var step = 0; step < MaxDinkelbachSteps; step++)
            {
                var total = 0.0;
                for (var c = 0; c < _cellCount; c++)
                {
                    _target[c] = _active[c] ? theta * _cells[_cellIndex[c]].Demand : _served[c];
                    total += _target[c];
                }
                var flow = MaxFlow(_target);
                if (flow >= total - Tolerance * (1 + _cellCount))
                {
                    break;
                }
                // The cells still reachable from the source form the tightest set: its capacity over its demand is the next rate.
                double spare = flow, demand = 0;
                for (var c = 0; c < _cellCount; c++)
                {
                    var inCut = _level[CellVertex(c)] >= 0;
                    if (!inCut)
                    {
                        spare -= _target[c];
                    }
                    else if (!_active[c])
                    {
                        spare -= _served[c];
                    }
                    else
                    {
                        demand += _cells[_cellIndex[c]].Demand;
                    }
                }
                if (demand <= 0)
                {
                    break;
                }
                var next = Math.Clamp(spare / demand, 0, theta);
                for (var c = 0; c < _cellCount; c++)
                {
                    _inTightSet[c] = _active[c] && _level[CellVertex(c)] >= 0;
                }
                tight = true;
                if (next >= theta)
                {
                    break;
                }
                theta = next;
            }
            if (!tight)
            {
                for (var c = 0; c < _cellCount; c++)
                {
                    if (_active[c])
                    {
                        _served[c] = _cells[_cellIndex[c]].Demand;
                        _active[c] = false;
                    }
                }
                return;
            }
            for (var c = 0; c < _cellCount; c++)
            {
                if (_inTightSet[c])
                {
                    _served[c] = theta * _cells[_cellIndex[c]].Demand;
                    _active[c] = false;
                    _inTightSet[c] = false;
                    remaining--;
                }
            }
        }
        for (var c = 0; c < _cellCount; c++)
        {
            if (_active[c])
            {
                _served[c] = 0;
            }
        }
    }

    /// <summary>Maximum flow for the given source capacities (Dinic); afterwards <c>_level[v] &gt;= 0</c> marks the source side of a minimum cut.</summary>
    private double MaxFlow(double[] targets)
    {
        ResetFlows(targets);
        var total = 0.0;
        while (Levels())
        {
            Array.Copy(_head, _iter, _vertexCount);
            double pushed;
            while ((pushed = Augment(0, double.PositiveInfinity)) > Tolerance)
            {
                total += pushed;
            }
        }
        return total;
    }

    private bool Levels()
    {
        Array.Fill(_level, -1, 0, _vertexCount);
        int head = 0, tail = 0;
        _level[0] = 0;
        _queue[tail++] = 0;
        while (head < tail)
        {
            var u = _queue[head++];
            for (var a = _head[u]; a >= 0; a = _next[a])
            {
                if (_residual[a] > Tolerance && _level[_to[a]] < 0)
                {
                    _level[_to[a]] = _level[u] + 1;
                    _queue[tail++] = _to[a];
                }
            }
        }
        return _level[Sink] >= 0;
    }

    private double Augment(int u, double limit)
    {
        if (u == Sink)
        {
            return limit;
        }
        for (; _iter[u] >= 0; _iter[u] = _next[_iter[u]])
        {
            var a = _iter[u];
            var v = _to[a];
            if (_residual[a] <= Tolerance || _level[v] != _level[u] + 1)
            {
                continue;
            }
            var pushed = Augment(v, Math.Min(limit, _residual[a]));
            if (pushed > Tolerance)
            {
                Push(a, pushed);
                return pushed;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- results

    private void WriteBack()
    {
        for (var c = 0; c < _cellCount; c++)
        {
            var cell = _cells[_cellIndex[c]];
            var supplied = 0.0;
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                var arc = _routeArc[_routeStart[c] + r];
                var units = arc < 0 ? 0 : Math.Max(0, Flow(arc));
                cell.Units[r] = units;
                supplied += units;
            }
            if (supplied > cell.Demand)
            {
                // Rounding only: never supply more than the demand.
                var scale = cell.Demand / supplied;
                for (var r = 0; r < cell.Units.Length; r++)
                {
                    cell.Units[r] *= scale;
                }
                supplied = cell.Demand;
            }
            cell.Unmet = Math.Max(0, cell.Demand - supplied);
        }
    }

    /// <summary>
    /// Shares ties pro rata. Markets whose routes to two nodes differ by the same landed cost (every EU market between Szeged and
    /// China: same duty, same freight) are interchangeable, so the minimum cost leaves their split arbitrary; each such group
    /// gets the group's split between the two nodes, in proportion to what it puts on them. Node loads and the total landed cost
    /// do not change.
    /// </summary>
    private void SpreadTies()
    {
        var n = _nodeCount;
        Grow(ref _routeOfNode, _cellCount * n);
        Array.Fill(_routeOfNode, -1, 0, _cellCount * n);
        for (var c = 0; c < _cellCount; c++)
        {
            for (var f = _routeStart[c]; f < _routeStart[c + 1]; f++)
            {
                if (_routeNode[f] >= 0)
                {
                    _routeOfNode[c * n + _routeNode[f]] = f - _routeStart[c];
                }
            }
        }
        Grow(ref _tie, _cellCount);
        Grow(ref _tieCost, _cellCount);
        for (var a = 0; a < n; a++)
        {
            var fullA = _residual[_nodeArc[a]] <= Tolerance;
            for (var b = a + 1; b < n; b++)
            {
                // Without a full node, every cell is on the cheaper of the two already: nothing to share.
                if (!fullA && _residual[_nodeArc[b]] > Tolerance)
                {
                    continue;
                }
                var count = 0;
                for (var c = 0; c < _cellCount; c++)
                {
                    int ra = _routeOfNode[c * n + a], rb = _routeOfNode[c * n + b];
                    if (ra < 0 || rb < 0)
                    {
                        continue;
                    }
                    var cell = _cells[_cellIndex[c]];
                    if (cell.Units[ra] + cell.Units[rb] <= Tolerance)
                    {
                        continue;
                    }
                    // Insertion by cost difference; equal keys keep the cells' order.
                    var key = cell.Landed[rb] - cell.Landed[ra];
                    var j = count++;
                    while (j > 0 && _tieCost[j - 1] > key)
                    {
                        _tie[j] = _tie[j - 1];
                        _tieCost[j] = _tieCost[j - 1];
                        j--;
                    }
                    _tie[j] = c;
                    _tieCost[j] = key;
                }
                for (var start = 0; start < count;)
                {
                    var end = start + 1;
                    while (end < count && _tieCost[end] - _tieCost[start] <= 1e-9 * (1 + Math.Abs(_tieCost[start])))
                    {
                        end++;
                    }
                    if (end - start > 1)
                    {
                        Spread(start, end, a, b);
                    }
                    start = end;
                }
            }
        }
    }

    private void Spread(int start, int end, int a, int b)
    {
        var n = _nodeCount;
        double onA = 0, total = 0;
        for (var i = start; i < end; i++)
        {
            var c = _tie[i];
            var cell = _cells[_cellIndex[c]];
            double ua = cell.Units[_routeOfNode[c * n + a]], ub = cell.Units[_routeOfNode[c * n + b]];
            onA += ua;
            total += ua + ub;
        }
        var share = onA / total;
        for (var i = start; i < end; i++)
        {
            var c = _tie[i];
            var cell = _cells[_cellIndex[c]];
            int ra = _routeOfNode[c * n + a], rb = _routeOfNode[c * n + b];
            var both = cell.Units[ra] + cell.Units[rb];
            cell.Units[ra] = both * share;
            cell.Units[rb] = both - cell.Units[ra];
        }
    }

    private void Loads(double[] load)
    {
        Array.Clear(load);
        foreach (var cell in _cells)
        {
            for (var r = 0; r < cell.Plants.Length; r++)
            {
                load[cell.Plants[r].Index] += cell.Units[r];
            }
        }
    }

    /// <summary>
    /// The rule for caps that could not be flow arcs (and a safety net for the others): a cap still over capacity has the units on its
    /// routes cut pro rata, and the cut units become unmet. True when something was cut.
    /// </summary>
    private bool TrimCaps(IReadOnlyList<CapGroup> caps)
    {
        var trimmed = false;
        foreach (var cap in caps)
        {
            var used = 0.0;
            foreach (var cell in _cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    used += cap.Covers(cell, r) ? cell.Units[r] : 0;
                }
            }
            if (used - cap.Capacity <= Tolerance)
            {
                continue;
            }
            trimmed = true;
            var keep = Math.Max(0, cap.Capacity) / used;
            foreach (var cell in _cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    if (cap.Covers(cell, r))
                    {
                        cell.Unmet += cell.Units[r] * (1 - keep);
                        cell.Units[r] *= keep;
                    }
                }
            }
        }
        return trimmed;
    }

    /// <summary>Safety net (numerical trouble only): fills <paramref name="load"/>, and a plant over capacity has its units cut pro rata.</summary>
    private bool TrimPlants(double[] load)
    {
        Loads(load);
        var trimmed = false;
        for (var n = 0; n < _plantNodes; n++)
        {
            var plant = _nodePlant[n];
            if (load[plant] - _plantCapacity[plant] <= Tolerance)
            {
                continue;
            }
            trimmed = true;
            var keep = _plantCapacity[plant] / load[plant];
            foreach (var cell in _cells)
            {
                for (var r = 0; r < cell.Plants.Length; r++)
                {
                    if (cell.Plants[r].Index == plant)
                    {
                        cell.Unmet += cell.Units[r] * (1 - keep);
                        cell.Units[r] *= keep;
                    }
                }
            }
        }
        return trimmed;
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            Array.Resize(ref array, Math.Max(size, array.Length * 2));
        }
    }
}
