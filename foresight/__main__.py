from foresight.cli import main

main()
