"""`make bench`: fogbank side by side with its peers.

The harness starts each server in turn on its own free loopback port (fogbank, moto_server, MiniStack,
dynalite for DynamoDB only, and a hello-world ASGI "floor"), runs the same boto3 workloads against each
and prints one table per workload. Servers are measured from the outside only: throughput and latency as
a boto3 client sees them, CPU time and resident memory of the server's process tree from /proc.

Modules: `workloads` (the registry and the STS, IAM, KMS and S3 workloads: add a workload there, or in
`workloads_dynamodb` or `workloads_messaging` for DynamoDB, SQS and SNS), `memory` (the long run: RSS
while a DynamoDB table grows to a million items), `servers` (how each server is started and stopped),
`procfs` (CPU and memory of a process tree), `measure` (timing), `report` (tables and JSON), `cli` (the
command line), `floor` (the reference ASGI app).
"""
