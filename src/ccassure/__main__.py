from ccassure.cli import main

main()
