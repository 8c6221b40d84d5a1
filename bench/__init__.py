"""`make bench`: fogbank side by side with its peers.

The harness starts each server in turn on its own free loopback port (fogbank, moto_server, MiniStack
and a hello-world ASGI "floor"), runs the same boto3 workloads against each and prints one table per
workload. Servers are measured from the outside only: throughput and latency as a boto3 client sees
them, CPU time and resident memory of the server's process tree from /proc.

Modules: `workloads` (the registry: add a workload there), `servers` (how each server is started and
stopped), `procfs` (CPU and memory of a process tree), `measure` (timing), `report` (tables and JSON),
`cli` (the command line), `floor` (the reference ASGI app).
"""
