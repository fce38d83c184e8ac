"""Data contracts: the model, the located loader, and compilers to other formats."""

from ccassure.contracts.loader import ContractError, ContractErrors, load_contract_file, load_contracts
from ccassure.contracts.model import ColumnSpec, Contract, ContractSet, DateOrder, ForeignKey

__all__ = [
    "ColumnSpec", "Contract", "ContractError", "ContractErrors", "ContractSet", "DateOrder", "ForeignKey",
    "load_contract_file", "load_contracts",
]
