"""PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

lexer -> parser (the statement tree in ast) -> executor (against the table's rows, through the same
store and transaction actions as the item operations) -> handlers (the three operations).
"""

from fogbank.services.dynamodb.partiql import handlers  # noqa: F401
