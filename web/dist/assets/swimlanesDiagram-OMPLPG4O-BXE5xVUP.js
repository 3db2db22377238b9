import{r as e,t}from"./chunk-QB3YPZ4I-oKrpIPlw.js";import"./chunk-TU62E6Q5-BnJdlRuB.js";import"./mermaid.core-BHgw6DS9.js";import"./chunk-HFQBQIA3-ClJLVRBP.js";import"./chunk-M57EVK23-0lJEhst-.js";import"./chunk-DQASFODM-DPp86qei.js";import"./chunk-LEVMRMFU-BPczCWW3.js";import"./chunk-AXFCVDMN-CCYsPIpX.js";import"./chunk-X4PVCEUW-Cd_V5P-6.js";import"./chunk-STOXU5M4-tbMWHta8.js";import"./chunk-R3KSYZAL-BVMtp-Ze.js";import"./chunk-6MUBBAK2-CGkiw9IF.js";import"./chunk-BG4553SI-D9emw3N4.js";import"./d3-selection-Di0jQCc4.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};