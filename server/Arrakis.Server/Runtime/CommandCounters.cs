namespace Arrakis.Server.Runtime;

/// <summary>One command's counters on one thread (INFO commandstats): calls, microseconds, rejected and failed calls.</summary>
internal struct CommandCounters
{
    public long Calls;
    public long Microseconds;
    public long Rejected;
    public long Failed;
}
